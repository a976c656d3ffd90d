import { useSyncExternalStore } from 'react'

export type Route =
  | { page: 'chat' }
  | { page: 'realtime' }
  | { page: 'sessions' }
  | { page: 'replay'; source: 'local' | 'server'; id: string }

const subscribe = (listener: () => void) => {
  window.addEventListener('hashchange', listener)
  return () => window.removeEventListener('hashchange', listener)
}

/** The page, from the URL's fragment: `#/`, `#/realtime`, `#/sessions`, `#/replay/local/<id>`, `#/replay/server/<id>`. */
export function useHashRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => location.hash)
  return parse(hash)
}

export function parse(hash: string): Route {
  const [, page, source, id] = hash.replace(/^#/, '').split('/')
  if (page === 'sessions') return { page: 'sessions' }
  if (page === 'realtime') return { page: 'realtime' }
  if (page === 'replay' && (source === 'local' || source === 'server') && id) return { page: 'replay', source, id: decodeURIComponent(id) }
  return { page: 'chat' }
}

export const href = {
  chat: '#/',
  realtime: '#/realtime',
  sessions: '#/sessions',
  replay: (source: 'local' | 'server', id: string) => `#/replay/${source}/${encodeURIComponent(id)}`,
}
