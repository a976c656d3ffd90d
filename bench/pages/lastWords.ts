// The page of bench/lastWords.mjs: what survives a closing tab in this Chromium. Probes of
// keepalive fetch (page and dedicated worker), sendBeacon and synchronous gzip, and the two
// recorders side by side: Tapedeck as it is, and Sentry's logs.
import { createRecorder, type Recorder } from '@tapedeck/core'
import * as Sentry from '@sentry/browser'
import { gzipSync } from 'fflate'
import { chatEvents } from './chatEvents'
import { startRequests, type Send } from './startRequests'

/** A dedicated worker that starts the requests and says so; the page can then close. */
function sendFromWorker(send: Send): Promise<string[]> {
  const worker = new Worker(new URL('./lastWordsWorker.ts', import.meta.url), { type: 'module' })
  return new Promise((resolve) => {
    worker.onmessage = (message) => resolve(message.data as string[])
    worker.postMessage(send)
  })
}

/** Sends at the page's `pagehide` or `visibilitychange: hidden`, whichever is asked, once. */
function sendOnHide(event: 'pagehide' | 'visibilitychange', send: Send): void {
  const target = event === 'pagehide' ? window : document
  target.addEventListener(event, function onHide() {
    if (event === 'visibilitychange' && document.visibilityState !== 'hidden') return
    target.removeEventListener(event, onHide)
    startRequests(send)
  })
}

/** sendBeacon with each kind of body: what it returns (what arrives, with which headers, the server says). */
function beacons(url: string, kinds: string[]): Record<string, boolean | string> {
  const text = (bytes: number) => ''.padEnd(bytes, 'x')
  const make: Record<string, () => BodyInit> = {
    'string 1 KB': () => text(1000),
    'Blob application/x-ndjson 1 KB': () => new Blob([text(1000)], { type: 'application/x-ndjson' }),
    'Blob text/plain 1 KB': () => new Blob([text(1000)], { type: 'text/plain' }),
    'ArrayBuffer 1 KB': () => new TextEncoder().encode(text(1000)).buffer,
    'URLSearchParams 1 KB': () => new URLSearchParams({ body: text(990) }),
    'string 65,536 B': () => text(65_536),
    'string 65,537 B': () => text(65_537),
    'two strings of 40,000 B': () => text(40_000),
  }
  const results: Record<string, boolean | string> = {}
  for (const name of kinds) {
    try {
      const to = `${url}${url.includes('?') ? '&' : '?'}beacon=${encodeURIComponent(name)}`
      const first = navigator.sendBeacon(to, make[name]!())
      results[name] = name.startsWith('two') ? `${first}, ${navigator.sendBeacon(to, make[name]!())}` : first
    } catch (error) {
      results[name] = `threw ${(error as Error).name}: ${(error as Error).message}`
    }
  }
  return results
}

/** Protocol events of about 300 bytes (chat messages), as NDJSON lines. */
function chatLines(count: number): string[] {
  const next = chatEvents(7)
  return Array.from({ length: count }, (_, seq) =>
    JSON.stringify({ v: 1, id: `01JD3Z8R6W8S1S4Q4N9G${String(seq).padStart(6, '0')}`, sessionId: 's_01JD3Z8Q', seq, ts: 1763766000000 + seq * 50, t: seq * 50, tab: 't_7Q2', type: 'message.created', data: next(seq) }),
  )
}

/** How many chat events fit in `budget` bytes of gzip (fflate gzipSync), and what compressing them costs on the page. */
function compressionFit(budget: number, level: 1 | 6): { events: number; meanLineBytes: number; gzipBytes: number; ms: number[] } {
  const lines = chatLines(4000)
  const encoder = new TextEncoder()
  const gzipOf = (count: number) => gzipSync(encoder.encode(`${lines.slice(0, count).join('\n')}\n`), { level })
  let low = 1
  let high = lines.length
  while (low < high) {
    const middle = Math.ceil((low + high) / 2)
    if (gzipOf(middle).length <= budget) low = middle
    else high = middle - 1
  }
  const text = `${lines.slice(0, low).join('\n')}\n`
  const ms: number[] = []
  for (let run = 0; run < 7; run++) {
    const began = performance.now()
    // What a closing page does: encode the tail and gzip it, synchronously.
    gzipSync(encoder.encode(text), { level })
    ms.push(performance.now() - began)
  }
  return { events: low, meanLineBytes: Math.round(encoder.encode(text).length / low), gzipBytes: gzipOf(low).length, ms }
}

let recorder: Recorder | undefined
let round = ''
const messages = chatEvents(11)

const recorders = {
  async startTapedeck(endpoint: string): Promise<string> {
    // The recorder's defaults: what an app gets today.
    recorder = createRecorder({ endpoint })
    const { id } = await recorder.start({ feature: 'lastWords' })
    return id
  },
  startSentry(dsn: string, name: string): void {
    round = name
    Sentry.init({ dsn, enableLogs: true, sendClientReports: false })
  },
  /** One event: the same chat message to whichever recorder this page started. */
  record(i: number): void {
    const message = messages(i)
    if (recorder) recorder.record('message.created', { ...message, i })
    else Sentry.logger.info(message.content, { ...message, i, round })
  },
  /** `count` events, one every `everyMs`; resolves at the last. */
  stream(count: number, everyMs: number): Promise<void> {
    let i = 0
    return new Promise((resolve) => {
      const timer = setInterval(() => {
        recorders.record(i++)
        if (i === count) {
          clearInterval(timer)
          resolve()
        }
      }, everyMs)
    })
  },
  burst(count: number): void {
    for (let i = 0; i < count; i++) recorders.record(i)
  },
}

Object.assign(window, { lastWords: { startRequests, sendFromWorker, sendOnHide, beacons, compressionFit, ...recorders } })
document.body.dataset.ready = 'true'
