import { expect, test } from 'vitest'
import type { Recording } from '../recording/Recording'
import { makeEvents } from '../../test/events'
import { loadRecording } from './loadRecording'

/** 1,500 events of one session: its start, then one event every 100 ms. */
const events = makeEvents('s_long', [[0, 'session.started', { userId: 'u1' }], ...Array.from({ length: 1499 }, (_, i): [number, string] => [(i + 1) * 100, 'x.tick'])])
const line = (event: unknown) => `${JSON.stringify(event)}\n`

/**
 * A server whose events answer sends the first 1,000 lines, then holds the rest until `release`
 * is called (or 5 s pass): what a slow read of a long session looks like to the page.
 */
function slowServer() {
  let release!: () => void
  const held = new Promise<void>((resolve) => {
    release = resolve
    setTimeout(resolve, 5000)
  })
  let restSent = false
  const fetch = async (url: string): Promise<Response> => {
    if (url.endsWith('/annotations')) return Response.json({ annotations: [] })
    if (!url.includes('/events')) return Response.json({ id: 's_long' })
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        const encoder = new TextEncoder()
        // Cut inside a line: the first page must end at a whole line.
        const head = events.slice(0, 1000).map(line).join('') + line(events[1000]).slice(0, 20)
        controller.enqueue(encoder.encode(head))
        await held
        restSent = true
        controller.enqueue(encoder.encode(line(events[1000]).slice(20) + events.slice(1001).map(line).join('')))
        controller.close()
      },
    })
    return new Response(body, { headers: { 'Content-Type': 'application/x-ndjson' } })
  }
  return { fetch, release, restSent: () => restSent }
}

test('from a server, the first 1,000 events come as a recording before the rest has arrived', async () => {
  const server = slowServer()
  const firstPages: Array<{ events: number; restSent: boolean }> = []
  const loaded = loadRecording(
    { endpoint: 'http://tapedeck.test', sessionId: 's_long', fetch: server.fetch },
    {
      onFirstPage: (recording: Recording) => {
        firstPages.push({ events: recording.events.length, restSent: server.restSent() })
        server.release()
      },
    },
  )
  const recording = await loaded
  expect(firstPages).toEqual([{ events: 1000, restSent: false }])
  expect(recording.events).toEqual(events)
})

test('a session shorter than the first page is loaded once, without a first page', async () => {
  const server = slowServer()
  server.release()
  const calls: number[] = []
  const recording = await loadRecording({ endpoint: 'http://tapedeck.test', sessionId: 's_long', fetch: server.fetch }, { firstPageEvents: 2000, onFirstPage: (r) => calls.push(r.events.length) })
  expect([calls, recording.events.length]).toEqual([[], 1500])
})

test('from a server that pages with limit, the first page is asked for alone and the rest after it is handed over', async () => {
  const asked: string[] = []
  const fetch = async (url: string): Promise<Response> => {
    asked.push(url.replace('http://tapedeck.test/v1/sessions/s_long', ''))
    if (url.endsWith('/annotations')) return Response.json({ annotations: [] })
    if (!url.includes('/events')) return Response.json({ id: 's_long' })
    const params = new URL(url).searchParams
    const from = Number(params.get('fromSeq'))
    const limit = Number(params.get('limit') ?? Infinity)
    return new Response(events.filter((event) => event.seq >= from).slice(0, limit).map(line).join(''))
  }
  const firstPages: Array<{ events: number; asked: string[] }> = []
  const recording = await loadRecording(
    { endpoint: 'http://tapedeck.test', sessionId: 's_long', fetch },
    { onFirstPage: (first) => firstPages.push({ events: first.events.length, asked: asked.filter((url) => url.includes('/events')) }) },
  )
  expect(firstPages).toEqual([{ events: 1000, asked: ['/events?fromSeq=0&limit=1000'] }])
  expect(asked.filter((url) => url.includes('/events'))).toEqual(['/events?fromSeq=0&limit=1000', '/events?fromSeq=1000'])
  expect(recording.events).toEqual(events)
})
