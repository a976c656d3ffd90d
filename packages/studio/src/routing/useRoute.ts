import { useSyncExternalStore } from 'react'

/** A Studio location: the fragment's path and query, `#/sessions/s_1?t=4200`. */
export interface Route {
  path: string[]
  params: URLSearchParams
}

const subscribe = (listener: () => void) => {
  window.addEventListener('hashchange', listener)
  return () => window.removeEventListener('hashchange', listener)
}

/**
 * The page and every choice on it live in the URL's fragment, so a view can be shared by its
 * address, and a share token in it never reaches a server log (a fragment is not sent).
 */
export function useRoute(): Route {
  return parseRoute(useSyncExternalStore(subscribe, () => location.hash))
}

export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#\/?/, '')
  const mark = text.indexOf('?')
  const pathText = mark < 0 ? text : text.slice(0, mark)
  return {
    path: pathText.split('/').filter(Boolean).map((part) => decodeURIComponent(part)),
    params: new URLSearchParams(mark < 0 ? '' : text.slice(mark + 1)),
  }
}

/** `#/a/b?x=1`: parts are encoded, empty parameters left out. */
export function href(path: readonly string[], params?: Record<string, string | number | undefined | null> | URLSearchParams): string {
  const query = new URLSearchParams()
  const entries = params instanceof URLSearchParams ? [...params.entries()] : Object.entries(params ?? {})
  for (const [name, value] of entries) if (value !== undefined && value !== null && value !== '') query.set(name, String(value))
  const text = query.toString()
  return `#/${path.map(encodeURIComponent).join('/')}${text ? `?${text}` : ''}`
}

/** Goes to a location; `replace` for changes that should not make a Back step (typing in a search box). */
export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(history.state, '', to)
  else history.pushState(history.state, '', to)
  window.dispatchEvent(new HashChangeEvent('hashchange'))
}
