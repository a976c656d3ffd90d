/** Auto capture in a real Chromium: real clicks (Playwright), History API, form submits, uncaught errors. */
import { userEvent } from 'vitest/browser'
import { afterEach, describe, expect, test } from 'vitest'
import { closeAll, rawStoredText, recorderFor, uniqueDb, waitFor } from '../../test/browser'
import type { Recorder } from '../client/types'
import type { TapedeckEvent } from '../events/catalogue'

/** A stored event, its payload read loosely (the assertions check its shape). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Recorded = TapedeckEvent & { data: Record<string, any> }
import { accessibleLabel, autoCapture, shortSelector } from './autoCapture'

const cleanups: Array<() => void> = []
const pageUrl = location.href
afterEach(async () => {
  history.replaceState(history.state, '', pageUrl) // whatever a test navigated to
  for (const fn of cleanups.splice(0).reverse()) fn()
  await closeAll()
})

async function recording() {
  const dbName = uniqueDb()
  const recorder = recorderFor(dbName)
  const { id } = await recorder.start()
  return { dbName, recorder, id }
}

async function actions(recorder: Recorder, id: string, type = 'user.action'): Promise<Recorded[]> {
  await recorder.flush()
  return (await recorder.sessions.events(id)).filter((e) => e.type === type) as Recorded[]
}

function mount(html: string): HTMLElement {
  const root = document.createElement('div')
  root.innerHTML = html
  document.body.append(root)
  cleanups.push(() => root.remove())
  return root
}

describe('clicks', () => {
  test("'marked' (default): a click on a data-tapedeck element (or inside one) is recorded with selector and label; others are not", async () => {
    const { recorder, id } = await recording()
    cleanups.push(autoCapture(recorder))
    const root = mount(`
      <form class="composer" onsubmit="return false">
        <input name="message" value="my secret draft">
        <button type="button" data-tapedeck="send"><span>Send</span> <b>message</b></button>
        <button type="button" id="plain">Plain</button>
        <button type="button" data-tapedeck="icon" aria-label="Attach a file"><svg></svg></button>
      </form>`)
    await userEvent.click(root.querySelector('[data-tapedeck="send"] b')!)
    await userEvent.click(root.querySelector('#plain')!)
    await userEvent.click(root.querySelector('[data-tapedeck="icon"]')!)
    const recorded = await actions(recorder, id)
    expect(recorded.map((e) => e.data)).toEqual([
      { kind: 'click', target: { selector: '[data-tapedeck="send"]', label: 'Send message' }, name: 'send', url: location.origin + location.pathname },
      { kind: 'click', target: { selector: '[data-tapedeck="icon"]', label: 'Attach a file' }, name: 'icon', url: location.origin + location.pathname },
    ])
    expect(JSON.stringify(recorded)).not.toContain('my secret draft')
  })

  test('clicks: true records every button and link too, never an input value', async () => {
    const { dbName, recorder, id } = await recording()
    cleanups.push(autoCapture(recorder, { clicks: true, forms: false }))
    const root = mount(`
      <nav class="top-bar main"><a href="#/orders" class="link">Orders</a></nav>
      <label for="q">Search orders</label><input id="q" type="text">
      <input type="submit" value="Go">
      <div><button type="button" class="btn primary x1234567">Refund</button></div>`)
    await userEvent.type(root.querySelector('#q')!, 'card 4111 1111 1111 1111')
    await userEvent.click(root.querySelector('a')!)
    await userEvent.click(root.querySelector('input[type=submit]')!)
    await userEvent.click(root.querySelector('#q')!) // not a button or link
    await userEvent.click(root.querySelector('button')!)
    const recorded = (await actions(recorder, id)).filter((e) => e.data.kind === 'click')
    expect(recorded.map((e) => e.data.target)).toEqual([
      { selector: 'div > nav.top-bar.main > a.link', label: 'Orders' },
      { selector: 'body > div > input', label: 'Go' },
      { selector: 'div > div > button.btn.primary', label: 'Refund' },
    ])
    expect(await rawStoredText(dbName)).not.toContain('4111')
  })

  test('selectors and labels', () => {
    const root = mount(`<section id="chat"><ul><li><button class="a b c">  Many
        words   here  </button></li></ul></section><button aria-labelledby="l1 l2"></button><span id="l1">Hello</span><span id="l2">world</span>`)
    const inner = root.querySelector('button.a')!
    expect(shortSelector(inner)).toBe('ul > li > button.a.b')
    expect(shortSelector(root.querySelector('li')!)).toBe('section#chat > ul > li')
    expect(accessibleLabel(inner)).toBe('Many words here')
    expect(accessibleLabel(root.querySelector('[aria-labelledby]')!)).toBe('Hello world')
    expect(accessibleLabel(mount('<button>' + 'x'.repeat(200) + '</button>').querySelector('button')!)).toHaveLength(80)
  })
})

describe('navigation', () => {
  test('pushState, replaceState, popstate and hash routes: origin + path, no query by default; stop restores history', async () => {
    const { recorder, id } = await recording()
    const original = location.href
    const pushBefore = history.pushState
    const replaceBefore = history.replaceState
    const stop = autoCapture(recorder, { clicks: false })
    expect(history.pushState).not.toBe(pushBefore)
    const base = location.origin
    try {
      history.pushState({}, '', '/orders/42?token=abc')
      history.replaceState({}, '', '/orders/42?token=def') // same path: not a navigation
      history.pushState({}, '', '/orders/42/refund')
      history.back()
      await waitFor(() => location.pathname, (path) => path === '/orders/42')
      location.hash = '#/settings?tab=keys'
      await waitFor(async () => (await actions(recorder, id)).length, (n) => n >= 4)
    } finally {
      stop()
      history.replaceState(history.state, '', original)
    }
    expect(history.pushState).toBe(pushBefore)
    expect(history.replaceState).toBe(replaceBefore)
    expect(Object.prototype.hasOwnProperty.call(history, 'pushState')).toBe(false)
    history.pushState({}, '', '/after-stop')
    history.replaceState(history.state, '', original)
    const recorded = (await actions(recorder, id)).map((e) => e.data)
    expect(recorded).toEqual([
      { kind: 'navigation', url: `${base}/orders/42`, from: original.split(/[?#]/)[0], via: 'pushState' },
      { kind: 'navigation', url: `${base}/orders/42/refund`, from: `${base}/orders/42`, via: 'pushState' },
      { kind: 'navigation', url: `${base}/orders/42`, from: `${base}/orders/42/refund`, via: 'popstate' },
      // A fragment navigation fires popstate, then hashchange (the same URL: recorded once).
      { kind: 'navigation', url: `${base}/orders/42#/settings`, from: `${base}/orders/42`, via: 'popstate' },
    ])
    expect(JSON.stringify(recorded)).not.toContain('token')
  })

  test('navigation: { query: true } keeps the query', async () => {
    const { recorder, id } = await recording()
    const original = location.href
    const stop = autoCapture(recorder, { clicks: false, navigation: { query: true } })
    try {
      history.pushState({}, '', '/search?q=shoes')
    } finally {
      stop()
      history.replaceState(history.state, '', original)
    }
    expect((await actions(recorder, id))[0]!.data.url).toBe(`${location.origin}/search?q=shoes`)
  })
})

describe('forms', () => {
  test('a submit records the field names, never values — except the names allowed, and never a password', async () => {
    const { dbName, recorder, id } = await recording()
    cleanups.push(autoCapture(recorder, { clicks: false, forms: { values: ['plan', 'password'] } }))
    const root = mount(`
      <form name="signup" data-tapedeck="signup">
        <input name="email" value="ada@example.com">
        <input name="password" type="password" value="hunter2-hunter2">
        <select name="plan"><option value="pro" selected>Pro</option></select>
        <textarea name="note">call me at 555-0100</textarea>
        <button type="submit">Create account</button>
      </form>`)
    const form = root.querySelector('form')!
    form.addEventListener('submit', (event) => event.preventDefault())
    await userEvent.click(root.querySelector('button')!)
    const [submit] = await actions(recorder, id)
    expect(submit!.data).toEqual({
      kind: 'submit',
      target: { selector: '[data-tapedeck="signup"]', label: 'signup' },
      name: 'signup',
      url: location.origin + location.pathname,
      fields: ['email', 'password', 'plan', 'note'],
      values: { plan: 'pro' },
    })
    const stored = await rawStoredText(dbName)
    for (const value of ['ada@example.com', 'hunter2', '555-0100']) expect(stored).not.toContain(value)
  })
})

describe('errors', () => {
  async function frame(): Promise<Window> {
    const iframe = document.createElement('iframe')
    iframe.srcdoc = '<!doctype html><body></body>'
    const loaded = new Promise((resolve) => iframe.addEventListener('load', resolve, { once: true }))
    document.body.append(iframe)
    cleanups.push(() => iframe.remove())
    await loaded
    return iframe.contentWindow!
  }
  function run(win: Window, code: string) {
    const script = win.document.createElement('script')
    script.textContent = code
    win.document.body.append(script)
  }

  test('an uncaught error and an unhandled rejection become error.raised (in a frame of their own, so the test runner is not failed)', async () => {
    const { recorder, id } = await recording()
    const win = await frame()
    const stop = autoCapture(recorder, { window: win })
    cleanups.push(stop)
    run(win, 'setTimeout(() => { throw new TypeError("checkout exploded") })')
    run(win, 'Promise.reject(new RangeError("quota gone"))')
    run(win, 'Promise.reject("plain reason")')
    const raised = await waitFor(() => actions(recorder, id, 'error.raised'), (events) => events.length >= 3)
    expect(raised.map((e) => e.data)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ message: 'Uncaught TypeError: checkout exploded', source: 'window.error', name: 'TypeError', stack: expect.stringContaining('checkout exploded'), lineno: expect.any(Number) }),
        expect.objectContaining({ message: 'quota gone', source: 'unhandledrejection', name: 'RangeError', stack: expect.stringContaining('quota gone') }),
        expect.objectContaining({ message: 'plain reason', source: 'unhandledrejection' }),
      ]),
    )
    expect(await recorder.sessions.get(id)).toMatchObject({ counters: { errors: 3 } })
    stop()
    run(win, 'setTimeout(() => { throw new Error("after stop") })')
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(await actions(recorder, id, 'error.raised')).toHaveLength(3)
  })

  test('nothing is recorded without a session, and listeners are gone after stop', async () => {
    const recorder = recorderFor(uniqueDb())
    await recorder.ready()
    const stop = autoCapture(recorder, { clicks: true })
    const root = mount('<button type="button">Idle</button>')
    await userEvent.click(root.querySelector('button')!)
    expect(stop.stats).toMatchObject({ skipped: 1, recorded: 0, errors: 0 })
    stop()
    await userEvent.click(root.querySelector('button')!)
    expect(stop.stats.skipped).toBe(1)
  })
})
