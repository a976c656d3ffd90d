/**
 * `createRecorder({ autoCapture })` in a real Chromium: the page's console, its failed fetch and
 * XMLHttpRequest calls (against the real test server and a closed port), the page context and
 * Web Vitals from PerformanceObserver — read back from IndexedDB, redaction checked at rest.
 */
import { userEvent } from 'vitest/browser'
import { afterEach, describe, expect, inject, test } from 'vitest'
import { closeAll, rawStoredText, recorderFor, uniqueDb, waitFor } from '../../test/browser'
import type { Recorder, RecorderOptions } from '../client/types'
import type { TapedeckEvent } from '../events/catalogue'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Recorded = TapedeckEvent & { data: Record<string, any> }

const server = inject('tapedeckServer')
/** The recorder's built-in redaction replaces IP addresses. */
const storedServer = server.replace('127.0.0.1', '[ip]')
const pageFetch = window.fetch
const pageConsole = { error: console.error, warn: console.warn, info: console.info }
const { open, send } = XMLHttpRequest.prototype

afterEach(async () => {
  await closeAll()
  // Closing the recorder restores what it patched.
  expect(window.fetch).toBe(pageFetch)
  expect(console.error).toBe(pageConsole.error)
  expect(XMLHttpRequest.prototype.open).toBe(open)
  expect(XMLHttpRequest.prototype.send).toBe(send)
})

async function recording(options: RecorderOptions) {
  const dbName = uniqueDb()
  const recorder = recorderFor(dbName, options)
  const { id } = await recorder.start()
  return { dbName, recorder, id }
}

async function stored(recorder: Recorder, id: string, type?: string): Promise<Recorded[]> {
  await recorder.flush()
  const events = (await recorder.sessions.events(id)) as Recorded[]
  return type ? events.filter((e) => e.type === type) : events
}

function xhr(method: string, url: string): Promise<number> {
  return new Promise((resolve) => {
    const request = new XMLHttpRequest()
    request.open(method, url)
    request.addEventListener('loadend', () => resolve(request.status))
    request.send()
  })
}

describe('autoCapture.console', () => {
  test('console.error and console.warn are recorded (with the stack of an Error); log and info are not; the console still prints', async () => {
    const printed: unknown[][] = []
    console.error = (...args: unknown[]) => void printed.push(args)
    try {
      const { recorder, id } = await recording({ autoCapture: { console: true } })
      const failure = new TypeError('cannot read "x" of undefined')
      console.error('render failed', failure, { orderId: 42 })
      console.warn('slow response', 1200)
      console.info('just info')
      console.log('just log')
      const logged = await stored(recorder, id, 'console.logged')
      expect(logged.map((e) => [e.data.level, e.data.message])).toEqual([
        ['error', 'render failed TypeError: cannot read "x" of undefined {"orderId":42}'],
        ['warn', 'slow response 1200'],
      ])
      expect(logged[0]!.data.stack).toContain('TypeError: cannot read')
      // What the console shows: the app's own arguments, unchanged.
      expect(printed).toEqual([['render failed', failure, { orderId: 42 }]])
      await recorder.close()
    } finally {
      console.error = pageConsole.error
    }
  })

  test('bounded: at most perMinute messages a minute, each at most 2,000 characters', async () => {
    const { recorder, id } = await recording({ autoCapture: { console: { perMinute: 5 } } })
    for (let i = 0; i < 50; i++) console.warn(`warning ${i}`, 'x'.repeat(5000))
    const logged = await stored(recorder, id, 'console.logged')
    expect(logged).toHaveLength(5)
    expect(logged.every((e) => e.data.message.length <= 2000)).toBe(true)
  })

  test('a recorder that refuses (closed) or a console argument that throws on reading never breaks the app’s console call', async () => {
    const { recorder } = await recording({ autoCapture: { console: true } })
    const hostile = { toJSON() { throw new Error('getter bomb') } }
    expect(() => console.error('hostile', hostile)).not.toThrow()
    await recorder.stop()
    expect(() => console.error('after stop')).not.toThrow()
  })

  test('console capture is off unless asked for', async () => {
    const { recorder, id } = await recording({ autoCapture: { network: true } })
    expect(console.error).toBe(pageConsole.error)
    console.error('not recorded')
    expect(await stored(recorder, id, 'console.logged')).toEqual([])
  })
})

describe('autoCapture across close() and retain()', () => {
  test('the watchers stop when the recorder closes and start again with the next session after retain()', async () => {
    const dbName = uniqueDb()
    const recorder = recorderFor(dbName, { autoCapture: { console: true, network: true } })
    const first = await recorder.start()
    console.warn('first session')
    await recorder.close()
    expect(console.warn).toBe(pageConsole.warn)
    expect(window.fetch).toBe(pageFetch)
    recorder.retain()
    const second = await recorder.start()
    expect(window.fetch).not.toBe(pageFetch)
    console.warn('second session')
    await fetch(`${server}/v1/sessions/s_missing`)
    const logged = await stored(recorder, second.id, 'console.logged')
    expect(logged.map((e) => e.data.message)).toEqual(['second session'])
    expect((await stored(recorder, second.id, 'network.failed')).map((e) => e.data.url)).toEqual([`${storedServer}/v1/sessions/s_missing`])
    expect((await stored(recorder, first.id, 'console.logged')).map((e) => e.data.message)).toEqual(['first session'])
    recorder.release()
  })
})

describe('autoCapture.network', () => {
  test('fetch and XHR answered ≥ 400 and a refused connection are recorded, without the query string (checked at rest); 2xx and aborts are not', async () => {
    const { dbName, recorder, id } = await recording({ autoCapture: { network: true } })
    const missing = `${server}/v1/sessions/s_missing/events?token=SECRET-QUERY-123`
    const fetched = await fetch(missing)
    expect(fetched.status).toBeGreaterThanOrEqual(400) // the app sees its response as it was
    expect(await xhr('GET', `${server}/v1/sessions/s_missing?key=SECRET-QUERY-456`)).toBeGreaterThanOrEqual(400)
    await expect(fetch('http://127.0.0.1:9/refused?token=SECRET-QUERY-789')).rejects.toThrow(TypeError)
    expect((await fetch(`${server}/healthz`)).ok).toBe(true)
    const aborted = new AbortController()
    const abortedCall = fetch(`${server}/healthz`, { signal: aborted.signal })
    aborted.abort()
    await expect(abortedCall).rejects.toThrow()
    const failed = await stored(recorder, id, 'network.failed')
    expect(failed.map((e) => ({ ...e.data, durationMs: typeof e.data.durationMs }))).toEqual([
      { via: 'fetch', method: 'GET', url: `${storedServer}/v1/sessions/s_missing/events`, status: fetched.status, statusText: expect.any(String), durationMs: 'number' },
      { via: 'xhr', method: 'GET', url: `${storedServer}/v1/sessions/s_missing`, status: expect.any(Number), statusText: expect.any(String), durationMs: 'number' },
      { via: 'fetch', method: 'GET', url: 'http://[ip]:9/refused', error: 'TypeError: Failed to fetch', durationMs: 'number' },
    ])
    expect(await rawStoredText(dbName)).not.toContain('SECRET-QUERY')
  })

  test('network: { query: true } keeps the query (still redacted like everything else); the recorder’s own endpoint is never recorded', async () => {
    const { recorder, id } = await recording({ autoCapture: { network: { query: true } }, endpoint: `${server}/own-backend`, sync: 'manual' })
    await fetch(`${server}/v1/sessions/s_missing?page=2&email=ada@example.com`)
    await fetch(`${server}/own-backend/v1/nothing-here`)
    const failed = await stored(recorder, id, 'network.failed')
    expect(failed.map((e) => e.data.url)).toEqual([`${storedServer}/v1/sessions/s_missing?page=2&email=[email]`])
  })
})

describe('autoCapture.context', () => {
  test('session.started carries the browser and page, once per session, without the query string', async () => {
    history.replaceState(null, '', `${location.pathname}?invite=SECRET-INVITE`)
    try {
      const { recorder, id } = await recording({ autoCapture: { context: true } })
      const [started] = await stored(recorder, id)
      expect(started!.data.context).toMatchObject({
        url: location.origin + location.pathname,
        viewport: { width: innerWidth, height: innerHeight, dpr: devicePixelRatio },
        language: navigator.language,
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        userAgent: navigator.userAgent,
        hardwareConcurrency: navigator.hardwareConcurrency,
      })
      expect(JSON.stringify(started)).not.toContain('SECRET-INVITE')
    } finally {
      history.replaceState(null, '', location.pathname)
    }
  })
})

describe('autoCapture.vitals', () => {
  test('LCP, INP and CLS from PerformanceObserver are recorded as metric.sampled when the recorder closes', async () => {
    const { dbName, recorder, id } = await recording({ autoCapture: { vitals: true } })
    const box = document.createElement('div')
    document.body.prepend(box)
    const frame = (ms: number) => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, ms)))
    try {
      // A large paint, then a shift no input caused, then a slow interaction.
      box.innerHTML = `<button type="button">Slow</button><p style="font-size:40px;margin:0">${'Largest text on the page. '.repeat(12)}</p>`
      await frame(100)
      const spacer = document.createElement('div')
      spacer.style.height = '300px'
      box.querySelector('p')!.before(spacer)
      await frame(100)
      box.querySelector('button')!.addEventListener('click', () => {
        const until = performance.now() + 150
        while (performance.now() < until) {
          // a handler that holds the next paint back by 150 ms
        }
      })
      // The test's own observer says when the browser has reported the interaction.
      let interactions = 0
      const watcher = new PerformanceObserver((list) => {
        interactions += list.getEntries().filter((e) => (e as PerformanceEntry & { interactionId?: number }).interactionId).length
      })
      watcher.observe({ type: 'event', durationThreshold: 16 } as PerformanceObserverInit)
      await userEvent.click(box.querySelector('button')!)
      await waitFor(() => interactions, (n) => n > 0)
      watcher.disconnect()
      await frame(50)
      await recorder.close()
    } finally {
      box.remove()
    }
    const reader = recorderFor(dbName)
    const metrics = (await reader.sessions.events(id)).filter((e) => e.type === 'metric.sampled') as Recorded[]
    const byName = Object.fromEntries(metrics.map((e) => [e.data.name, e.data]))
    expect(Object.keys(byName).sort()).toEqual(['CLS', 'INP', 'LCP'])
    expect(byName.LCP).toMatchObject({ unit: 'ms', source: 'web-vitals' })
    expect(byName.LCP.value).toBeGreaterThan(0)
    expect(byName.INP.value).toBeGreaterThanOrEqual(150)
    expect(byName.CLS.value).toBeGreaterThan(0)
    expect(byName.CLS.unit).toBeUndefined()
  })
})
