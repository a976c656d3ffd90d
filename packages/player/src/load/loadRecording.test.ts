import { gzipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { TapedeckEvent } from '@tapedeck/core'
import { createHandler, createMemoryStore, serve, type RunningServer } from '@tapedeck/server'
import { makeEvents, supportSession, SESSION } from '../../test/events'
import { loadRecording, type RecorderSessionsLike } from './loadRecording'

const ndjson = (events: readonly unknown[]) => `${events.map((event) => JSON.stringify(event)).join('\n')}\n`

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    return (error as { code?: string }).code ?? `no code: ${String(error)}`
  }
  return 'resolved'
}

describe('loadRecording from events and exports', () => {
  test('an array of events: metadata, seq order, complete', async () => {
    const events = supportSession()
    const recording = await loadRecording(events)
    expect(recording).toMatchObject({
      sessionId: SESSION,
      metadata: { userId: 'u1', feature: 'support' },
      startedAt: events[0]!.ts,
      gaps: [],
      complete: true,
      duplicates: 0,
      source: 'events',
      annotations: [],
    })
    expect(recording.events).toEqual(events)
  })

  test('out of order, repeated and missing seqs: sorted, the first copy kept, gaps reported (not thrown)', async () => {
    const events = supportSession()
    const shuffled = [events[3]!, events[0]!, { ...events[3]!, data: { changed: true } }, ...events.slice(8).reverse(), events[1]!, events[2]!]
    const recording = await loadRecording(shuffled)
    expect(recording.events.map((e) => e.seq)).toEqual([0, 1, 2, 3, ...events.slice(8).map((e) => e.seq)])
    expect(recording.events[3]).toEqual(events[3]) // not the changed copy
    expect(recording.duplicates).toBe(1)
    expect(recording.gaps).toEqual([{ from: 4, to: 7 }])
    expect(recording.complete).toBe(false)
  })

  test('a session that did not end is not complete; missing seqs after the last are not invented', async () => {
    const events = supportSession().slice(0, 10)
    const recording = await loadRecording(events)
    expect(recording.gaps).toEqual([])
    expect(recording.complete).toBe(false)
  })

  test('session.ended names a lastSeq beyond what arrived: the tail is a gap', async () => {
    const events = makeEvents('s1', [[0, 'session.started'], [1, 'x.a'], [2, 'session.ended', { lastSeq: 5 }]])
    const recording = await loadRecording([events[0]!, { ...events[2]!, seq: 5 }])
    expect(recording.gaps).toEqual([{ from: 1, to: 4 }])
  })

  test('seqs a seq.skipped marker explains are not gaps (an unused seq lease); an invalid marker explains nothing', async () => {
    const seqs = [0, 1, 9, 10]
    const events = makeEvents('s1', [[0, 'session.started'], [1, 'x.a'], [2, 'seq.skipped', { from: 2, to: 5, reason: 'lease_unused' }], [3, 'session.ended', { lastSeq: 10 }]]).map((e, i) => ({ ...e, seq: seqs[i]! }))
    const recording = await loadRecording(events)
    expect(recording.gaps).toEqual([{ from: 6, to: 8 }])
    expect(recording.complete).toBe(false)
    const covered = await loadRecording(events.map((e) => (e.seq === 9 ? { ...e, data: { from: 2, to: 8, reason: 'lease_unused' } } : e)))
    expect(covered.gaps).toEqual([])
    expect(covered.complete).toBe(true)
    const ownSeq = await loadRecording(events.map((e) => (e.seq === 9 ? { ...e, data: { from: 2, to: 9, reason: 'lease_unused' } } : e)))
    expect(ownSeq.gaps).toEqual([{ from: 2, to: 8 }])
  })

  test('NDJSON as text, bytes, an ArrayBuffer, a Blob and gzip (several members, as stored chunks) give the same events', async () => {
    const events = supportSession()
    const text = ndjson(events)
    const bytes = new TextEncoder().encode(text)
    const half = text.indexOf('\n', text.length / 2) + 1
    const gzip = new Uint8Array([...gzipSync(new TextEncoder().encode(text.slice(0, half))), ...gzipSync(new TextEncoder().encode(text.slice(half)))])
    for (const source of [text, `\ufeff${text.replaceAll('\n', '\r\n')}`, bytes, bytes.buffer, new Blob([bytes]), gzip]) {
      const recording = await loadRecording(source)
      expect(recording.events).toEqual(events)
      expect(recording.source).toBe('jsonl')
    }
  })

  test('a JSON array as text', async () => {
    const events = supportSession()
    expect((await loadRecording(JSON.stringify(events))).events).toEqual(events)
  })

  test('several sessions need { sessionId }', async () => {
    const a = makeEvents('sa', [[0, 'session.started'], [5, 'x.a']])
    const b = makeEvents('sb', [[0, 'session.started', { userId: 'ub' }], [7, 'x.b']])
    const mixed = ndjson([a[0], b[0], a[1], b[1]])
    expect(await codeOf(loadRecording(mixed))).toBe('invalid_recording')
    const recording = await loadRecording(mixed, { sessionId: 'sb' })
    expect(recording.events).toEqual(b)
    expect(recording.metadata).toEqual({ userId: 'ub' })
  })

  test.each([
    ['empty text', ''],
    ['whitespace', '  \n\n'],
    ['a line that is not JSON', '{"v":1}\n{nope'],
    ['an event without seq', JSON.stringify({ sessionId: 's', type: 'x.a', t: 0, data: {} })],
    ['a negative seq', JSON.stringify({ sessionId: 's', seq: -1, type: 'x.a', t: 0, data: {} })],
    ['data that is not an object', JSON.stringify({ sessionId: 's', seq: 0, type: 'x.a', t: 0, data: 'text' })],
    ['a missing t', JSON.stringify({ sessionId: 's', seq: 0, type: 'x.a', data: {} })],
    ['an empty array', '[]'],
    ['a number', '42'],
  ])('%s → invalid_recording', async (_name, text) => {
    expect(await codeOf(loadRecording(text))).toBe('invalid_recording')
  })

  test('the error names the line', async () => {
    await expect(loadRecording(`${JSON.stringify(supportSession()[0])}\n\n{"seq":1}`)).rejects.toThrow(/^Line 3/)
  })

  test('something that is no source at all → invalid_recording', async () => {
    expect(await codeOf(loadRecording({ nothing: true } as never))).toBe('invalid_recording')
    expect(await codeOf(loadRecording(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3])))).toBe('invalid_recording')
    expect(await codeOf(loadRecording(new Uint8Array([0x1f, 0x8b, 0, 0, 0])))).toBe('invalid_recording')
  })
})

describe('loadRecording from a recorder ({ recorder, sessionId })', () => {
  function fakeRecorder(events: TapedeckEvent[], blobs: Record<string, Uint8Array> = {}) {
    const pages: Array<{ fromSeq?: number; limit?: number }> = []
    const sessions: RecorderSessionsLike = {
      get: async (id) => (id === events[0]?.sessionId ? { id } : undefined),
      events: async (id, options = {}) => {
        pages.push(options)
        return events.filter((e) => e.sessionId === id && e.seq >= (options.fromSeq ?? 0)).slice(0, options.limit ?? Infinity)
      },
      blobs: async () => [
        { blobId: 'b1', part: 1, mimeType: 'audio/webm', track: 'input', startT: 2000, durationMs: 1000, size: 3 },
        { blobId: 'b1', part: 0, mimeType: 'audio/webm', track: 'input', startT: 1000, durationMs: 1000, size: 2 },
      ],
      blob: async (_id, blobId, part) => {
        const bytes = blobs[`${blobId}/${part}`]
        return bytes && new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'audio/webm' })
      },
    }
    return { recorder: { sessions }, pages }
  }

  test('reads every page, lists the stored blob parts and reads their bytes lazily', async () => {
    const events = supportSession()
    const { recorder, pages } = fakeRecorder(events, { 'b1/0': new Uint8Array([1, 2]), 'b1/1': new Uint8Array([3, 4, 5]) })
    const recording = await loadRecording({ recorder, sessionId: SESSION }, { pageSize: 10 })
    expect(recording.events).toEqual(events)
    expect(recording.source).toBe('recorder')
    expect(pages).toEqual([{ fromSeq: 0, limit: 10 }, { fromSeq: 10, limit: 10 }, { fromSeq: 20, limit: 10 }])
    expect(recording.blobs.track('input').map((p) => [p.blobId, p.part, p.startT])).toEqual([['b1', 0, 1000], ['b1', 1, 2000]])
    const whole = await recording.blobs.trackBlob('input')
    expect([...new Uint8Array(await whole!.arrayBuffer())]).toEqual([1, 2, 3, 4, 5])
    expect(whole!.type).toBe('audio/webm')
    expect(await codeOf(recording.blobs.get('b9', 0))).toBe('blob_not_found')
  })

  test('a session the recorder does not have → session_not_found', async () => {
    const { recorder } = fakeRecorder(supportSession())
    expect(await codeOf(loadRecording({ recorder, sessionId: 'nope' }))).toBe('session_not_found')
  })
})

describe('loadRecording from a server (docs/protocol.md §4), the reference server on 127.0.0.1', () => {
  let server: RunningServer
  const events = supportSession().map((event) => (event.seq === 3 ? { ...event, type: 'audio.input' as const, data: { blobId: 'b7', part: 0, mimeType: 'audio/wav', startT: 900, durationMs: 500, bytes: 4 } } : event))

  beforeAll(async () => {
    server = await serve({
      handler: createHandler({ store: createMemoryStore(), ingestKeys: ['ingest-1'], readKeys: ['read-1'], reviewKeys: ['review-1'], log: false }),
      port: 0,
    })
    const body = gzipSync(new TextEncoder().encode(ndjson(events)))
    const posted = await fetch(`${server.url}/v1/batches`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-ndjson',
        'Content-Encoding': 'gzip',
        'Idempotency-Key': `${SESSION}.0-24`,
        'Tapedeck-Session': SESSION,
        'Tapedeck-Seq': '0-24',
        Authorization: 'Bearer ingest-1',
      },
      body,
    })
    expect(posted.status).toBeLessThan(300)
    const put = await fetch(`${server.url}/v1/sessions/${SESSION}/blobs/b7/0`, {
      method: 'PUT',
      headers: { 'Content-Type': 'audio/wav', Authorization: 'Bearer ingest-1' },
      body: new Uint8Array([9, 8, 7, 6]),
    })
    expect(put.status).toBeLessThan(300)
  })
  afterAll(() => server.close())

  test('reads the events and, when asked, a blob part; the token goes as a bearer', async () => {
    const recording = await loadRecording({ endpoint: server.url, sessionId: SESSION, token: async () => 'read-1' })
    expect(recording.source).toBe('server')
    expect(recording.events).toEqual(events)
    expect(recording.complete).toBe(true)
    expect(recording.blobs.parts).toEqual([{ blobId: 'b7', part: 0, mimeType: 'audio/wav', track: 'input', startT: 900, durationMs: 500, bytes: 4 }])
    const blob = await recording.blobs.get('b7', 0)
    expect([...new Uint8Array(await blob.arrayBuffer())]).toEqual([9, 8, 7, 6])
    expect(blob.type).toBe('audio/wav')
  })

  test("reviewers' annotations come with the recording, from the server and from its zip export", async () => {
    const annotate = async (body: Record<string, unknown>) => {
      const response = await fetch(`${server.url}/v1/sessions/${SESSION}/annotations`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer review-1' },
        body: JSON.stringify({ author: 'Ada', ...body }),
      })
      expect(response.status).toBe(201)
      return ((await response.json()) as { annotation: { id: string } }).annotation
    }
    const score = await annotate({ kind: 'score', score: 4, text: 'good', range: { fromSeq: 2, toSeq: 4 } })
    const flag = await annotate({ kind: 'flag', text: 'check tone' })
    try {
      const expected = [
        { annotationId: score.id, kind: 'score', key: 'score', value: 4, target: { fromT: events[2]!.t, toT: events[4]!.t }, origin: 'external', author: 'Ada' },
        { annotationId: flag.id, kind: 'label', key: 'flag', value: 'check tone', target: 'session', origin: 'external', author: 'Ada' },
      ]
      const recording = await loadRecording({ endpoint: server.url, sessionId: SESSION, token: 'read-1' })
      expect(recording.annotations).toMatchObject(expected)
      expect(recording.annotations[0]!.review).toMatchObject({ kind: 'score', score: 4, text: 'good', range: { fromSeq: 2, toSeq: 4 } })
      const zip = await fetch(`${server.url}/v1/sessions/${SESSION}/export?format=zip`, { headers: { Authorization: 'Bearer read-1' } })
      const fromZip = await loadRecording(new Uint8Array(await zip.arrayBuffer()))
      expect(fromZip.annotations).toMatchObject(expected)
    } finally {
      for (const { id } of [score, flag]) {
        await fetch(`${server.url}/v1/sessions/${SESSION}/annotations/${id}`, { method: 'DELETE', headers: { Authorization: 'Bearer review-1' } })
      }
    }
  })

  test('headers work as well as a token', async () => {
    const recording = await loadRecording({ endpoint: `${server.url}/`, sessionId: SESSION, headers: { Authorization: 'Bearer read-1' } })
    expect(recording.events).toHaveLength(25)
  })

  test('no key → load_failed (401); an unknown session → session_not_found; nothing listening → load_failed', async () => {
    expect(await codeOf(loadRecording({ endpoint: server.url, sessionId: SESSION }))).toBe('load_failed')
    await expect(loadRecording({ endpoint: server.url, sessionId: SESSION })).rejects.toThrow(/401/)
    expect(await codeOf(loadRecording({ endpoint: server.url, sessionId: 's_missing', token: 'read-1' }))).toBe('session_not_found')
    expect(await codeOf(loadRecording({ endpoint: 'http://127.0.0.1:9', sessionId: SESSION }))).toBe('load_failed')
  })
})
