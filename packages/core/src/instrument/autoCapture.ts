/**
 * Opt-in capture of what the user does around the conversation: clicks on marked elements (or
 * every button and link), route changes, form submits, uncaught errors. Never input values: a
 * click records a short selector and an accessible label; a submit records field names, and
 * values only for the names you allow. `stop()` removes every listener and restores
 * `history.pushState` / `replaceState`.
 */
import type { EventData, UserActionData } from '../events/catalogue'
import { createSafeRecorder, type InstrumentStats, type RecorderLike } from './safeRecorder'

export interface AutoCaptureOptions {
  /** `'marked'` (default): clicks on elements with `data-tapedeck` (or inside one); `true`: also every button and link; `false`: none. */
  clicks?: boolean | 'marked'
  /** History API and hash changes. `query: true` keeps the query string (off by default: it often holds tokens and ids). Default on. */
  navigation?: boolean | { query?: boolean }
  /** Form submits with field names; `values` lists the field names whose values may be recorded (never passwords). Default on. */
  forms?: boolean | { values?: string[] }
  /** Uncaught errors and unhandled promise rejections → `error.raised`. Default on. */
  errors?: boolean
  /** The window to watch (an iframe's, in tests). Default the global one. */
  window?: Window
  onError?: (error: unknown) => void
}

export interface AutoCapture {
  /** Stops capturing and restores what was patched. */
  (): void
  readonly stats: InstrumentStats
}

const CLICKABLE = 'button,a[href],[role=button],[role=link],[role=menuitem],[role=tab],summary,input[type=button],input[type=submit],input[type=reset]'
const MARK = 'data-tapedeck'
const LABEL_MAX = 80

function collapse(text: string | null | undefined): string {
  const value = (text ?? '').replace(/\s+/g, ' ').trim()
  return value.length > LABEL_MAX ? `${value.slice(0, LABEL_MAX - 1)}…` : value
}

/** An accessible name, as far as it can be had cheaply — never the value a user typed. */
export function accessibleLabel(el: Element): string | undefined {
  const doc = el.ownerDocument
  const aria = el.getAttribute('aria-label')
  if (aria?.trim()) return collapse(aria)
  const labelledBy = el.getAttribute('aria-labelledby')
  if (labelledBy) {
    const text = labelledBy
      .split(/\s+/)
      .map((id) => doc.getElementById(id)?.textContent ?? '')
      .join(' ')
    if (text.trim()) return collapse(text)
  }
  const tag = el.localName
  if (tag === 'input' || tag === 'select' || tag === 'textarea') {
    const type = (el.getAttribute('type') ?? '').toLowerCase()
    // A button's value is its visible label; any other control's value is the user's input.
    if (tag === 'input' && (type === 'button' || type === 'submit' || type === 'reset')) {
      const value = el.getAttribute('value')
      if (value?.trim()) return collapse(value)
    }
    const label = (el as HTMLInputElement).labels?.[0]?.textContent
    return collapse(label ?? el.getAttribute('placeholder') ?? el.getAttribute('name') ?? el.getAttribute('title')) || undefined
  }
  const text = collapse(el.textContent)
  if (text) return text
  const alt = el.querySelector('img[alt]')?.getAttribute('alt')
  if (alt?.trim()) return collapse(alt)
  return collapse(el.getAttribute('title')) || undefined
}

/** A form's name: its aria label, else its `name`, else the label of the button that submitted it. Never its text. */
function formLabel(form: Element, submitter: Element | null | undefined): string {
  const aria = form.getAttribute('aria-label') || form.getAttribute('aria-labelledby')
  if (aria) return accessibleLabel(form) ?? ''
  const name = form.getAttribute('name')
  if (name) return collapse(name)
  return submitter ? (accessibleLabel(submitter) ?? '') : ''
}

function attributeValue(value: string): string {
  return value.replace(/["\\]/g, '\\$&')
}

/** A short CSS selector: the mark or id when there is one, else up to three levels of tag and classes. */
export function shortSelector(el: Element): string {
  const parts: string[] = []
  let node: Element | null = el
  for (let depth = 0; node && depth < 3; depth++) {
    const mark = node.getAttribute(MARK)
    if (mark) {
      parts.unshift(`[${MARK}="${attributeValue(mark)}"]`)
      break
    }
    if (node.id && /^[A-Za-z][\w-]*$/.test(node.id)) {
      parts.unshift(`${node.localName}#${node.id}`)
      break
    }
    const classes = [...node.classList].filter((name) => /^[A-Za-z_-][\w-]*$/.test(name) && !/\d{3,}/.test(name)).slice(0, 2)
    parts.unshift(node.localName + classes.map((name) => `.${name}`).join(''))
    if (node.localName === 'body') break
    node = node.parentElement
  }
  return parts.join(' > ')
}

export function autoCapture(recorder: RecorderLike, options: AutoCaptureOptions = {}): AutoCapture {
  const win = options.window ?? (globalThis as unknown as Window)
  const doc = win.document
  const safe = createSafeRecorder(recorder, options.onError)
  const clicks = options.clicks ?? 'marked'
  const navigation = options.navigation ?? true
  const keepQuery = typeof navigation === 'object' && navigation.query === true
  const forms = options.forms ?? true
  const allowedValues = new Set(typeof forms === 'object' ? (forms.values ?? []) : [])
  const errors = options.errors ?? true
  /** Restores history's methods; `listening` removes every listener. */
  const undo: Array<() => void> = []
  const listening = new AbortController()

  const pageUrl = (href: string = win.location.href): string => {
    try {
      const url = new URL(href)
      let out = url.origin + url.pathname
      if (keepQuery) out += url.search
      // Hash routes (`#/orders`) are navigation; other fragments may hold tokens (`#access_token=`).
      if (/^#!?\//.test(url.hash)) out += url.hash.split('?')[0]
      return out
    } catch {
      return ''
    }
  }
  const emit = <T extends 'user.action' | 'error.raised'>(type: T, data: EventData<T>) => {
    if (safe.active()) safe.record(type, data)
    else safe.stats.skipped++
  }
  const record = (data: UserActionData) => emit('user.action', data)
  const listen = (target: EventTarget, type: string, handler: (event: Event) => void, capture: boolean) => {
    const guarded = (event: Event) => {
      try {
        handler(event)
      } catch (error) {
        safe.fail(error)
      }
    }
    target.addEventListener(type, guarded, { capture, passive: true, signal: listening.signal })
  }
  const isElement = (target: EventTarget | null): target is Element => (target as Node | null)?.nodeType === 1

  if (clicks) {
    const selector = clicks === true ? `[${MARK}],${CLICKABLE}` : `[${MARK}]`
    listen(doc, 'click', (event) => {
      if (!isElement(event.target)) return
      const el = event.target.closest(selector)
      if (!el) return
      const data: UserActionData = { kind: 'click', target: { selector: shortSelector(el), label: accessibleLabel(el) ?? '' }, url: pageUrl() }
      const mark = el.getAttribute(MARK)
      if (mark) data.name = mark
      record(data)
    }, true)
  }

  if (navigation) {
    let last = pageUrl()
    const changed = (via: string) => {
      const url = pageUrl()
      if (url === last) return
      const from = last
      last = url
      record({ kind: 'navigation', url, from, via })
    }
    const history = win.history
    for (const method of ['pushState', 'replaceState'] as const) {
      const own = Object.prototype.hasOwnProperty.call(history, method)
      const original = history[method]
      let active = true
      const patched = function (this: History, ...args: Parameters<History['pushState']>) {
        const result = original.apply(this, args)
        if (active) {
          try {
            changed(method)
          } catch (error) {
            safe.fail(error)
          }
        }
        return result
      }
      history[method] = patched
      undo.push(() => {
        active = false
        if (history[method] !== patched) return // someone wrapped us since: stay as a pass-through
        if (own) history[method] = original
        else delete (history as Partial<History>)[method]
      })
    }
    listen(win, 'popstate', () => changed('popstate'), false)
    listen(win, 'hashchange', () => changed('hashchange'), false)
  }

  if (forms) {
    listen(doc, 'submit', (event) => {
      const form = event.target
      if (!isElement(form) || form.localName !== 'form') return
      const names: string[] = []
      const values: Record<string, string | string[]> = {}
      const formData = new FormData(form as HTMLFormElement)
      for (const control of (form as HTMLFormElement).elements) {
        const name = control.getAttribute('name')
        if (!name || names.includes(name)) continue
        names.push(name)
        const type = (control.getAttribute('type') ?? '').toLowerCase()
        if (!allowedValues.has(name) || type === 'password') continue
        const all = formData.getAll(name).map((value) => (typeof value === 'string' ? value : '[file]'))
        if (all.length > 0) values[name] = all.length === 1 ? all[0]! : all
      }
      const submitter = (event as SubmitEvent).submitter
      const data: UserActionData = {
        kind: 'submit',
        target: { selector: shortSelector(form), label: formLabel(form, submitter) },
        url: pageUrl(),
        fields: names,
      }
      if (Object.keys(values).length > 0) data.values = values
      const mark = form.getAttribute(MARK)
      if (mark) data.name = mark
      record(data)
    }, true)
  }

  if (errors) {
    const report = (message: string, error: unknown, source: string, extra: Record<string, unknown> = {}) => {
      const stack = (error as { stack?: unknown } | null)?.stack
      emit('error.raised', {
        message: message.slice(0, 2000),
        ...(typeof stack === 'string' ? { stack: stack.slice(0, 8000) } : {}),
        source,
        ...extra,
      })
    }
    listen(win, 'error', (event) => {
      // Resource load errors do not bubble to window; what arrives here is an uncaught exception.
      const e = event as ErrorEvent
      if (typeof e.message !== 'string') return
      const extra: Record<string, unknown> = {}
      if (e.filename) extra.filename = pageUrl(e.filename) || e.filename.split('?')[0]
      if (e.lineno) extra.lineno = e.lineno
      if (e.colno) extra.colno = e.colno
      const name = (e.error as { name?: unknown } | null)?.name
      if (typeof name === 'string') extra.name = name
      report(e.message || String(e.error), e.error, 'window.error', extra)
    }, false)
    listen(win, 'unhandledrejection', (event) => {
      const reason = (event as PromiseRejectionEvent).reason as unknown
      const message = reason instanceof Error || (typeof reason === 'object' && reason !== null && 'message' in reason)
        ? String((reason as { message: unknown }).message)
        : String(reason)
      const name = (reason as { name?: unknown } | null)?.name
      report(message, reason, 'unhandledrejection', typeof name === 'string' ? { name } : {})
    }, false)
  }

  let stopped = false
  const stop = () => {
    if (stopped) return
    stopped = true
    listening.abort()
    for (const fn of undo.splice(0).reverse()) {
      try {
        fn()
      } catch (error) {
        safe.fail(error)
      }
    }
  }
  return Object.assign(stop, { stats: safe.stats })
}
