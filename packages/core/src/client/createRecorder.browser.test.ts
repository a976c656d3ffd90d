import { afterEach, describe, expect, test } from 'vitest'
import { TapedeckError } from '../errors'
import { Gunzip } from 'fflate'
import { closeAll, recorderFor, uniqueDb, waitFor } from '../../test/browser'
import { codeOf } from '../../test/codeOf'

afterEach(closeAll)


describe('recording in a worker into IndexedDB', () => {
  test('stores events in order with gapless seq, the envelope of docs/protocol.md and session metadata', async () => {
    const recorder = recorderFor(uniqueDb())
    const session = await recorder.start({ userId: 'u1', feature: 'support', label: 'Order question', tags: ['vip'], agentId: 'a1' })
    expect(session.resumed).toBe(false)
    for (let i = 0; i < 600; i++) recorder.record('message.created', { messageId: `m${i}`, role: 'user', content: `hello ${i}` })
    const { durable } = await recorder.flush()
    expect(durable).toBe(601)

    const events = await recorder.sessions.events(session.id)
    expect(events.map((e) => e.seq)).toEqual([...Array(601).keys()])
    expect(events[0]).toMatchObject({ type: 'session.started', t: 0, data: { userId: 'u1', feature: 'support', tags: ['vip'], agentId: 'a1' } })
    expect(events[0]!.data).toHaveProperty('recorder.version')
    for (let i = 1; i < events.length; i++) {
      const [before, event] = [events[i - 1]!, events[i]!]
      expect(event).toMatchObject({ v: 1, sessionId: session.id, type: 'message.created', data: { content: `hello ${i - 1}` } })
      expect(event.id > before.id).toBe(true)
      expect(event.t).toBeGreaterThanOrEqual(before.t)
    }
    const status = recorder.getSnapshot()
    expect(status).toMatchObject({ engine: 'worker', storage: 'indexeddb', durable: true, state: 'recording', lastSeq: 600 })
    expect(status.counts).toEqual({ accepted: 601, durable: 601, pending: 0, dropped: 0, rejected: 0 })
    const stored = await recorder.sessions.get(session.id)
    expect(stored).toMatchObject({ status: 'active', lastSeq: 600, userId: 'u1', label: 'Order question' })
    // Compressed: at once, or (batches stored raw in the burst) once batches stop coming.
    const compacted = await waitFor(() => recorder.sessions.get(session.id), (now) => now!.counters.storedBytes < now!.counters.bytes / 4)
    expect(compacted!.counters.bytes).toBe(stored!.counters.bytes)
  })

  test('stop() ends the session with session.ended carrying its own seq as lastSeq', async () => {
    const recorder = recorderFor(uniqueDb())
    const { id } = await recorder.start()
    recorder.record('x.step', { n: 1 })
    const result = await recorder.stop()
    expect(result).toEqual({ sessionId: id, lastSeq: 2 })
    const events = await recorder.sessions.events(id)
    expect(events.at(-1)).toMatchObject({ seq: 2, type: 'session.ended', data: { lastSeq: 2, reason: 'stopped' } })
    expect((await recorder.sessions.get(id))!.status).toBe('ended')
    expect(recorder.getSnapshot()).toMatchObject({ state: 'idle', session: null })
    expect(recorder.record('x.late', {})).toBe(false)
    expect(recorder.getSnapshot().error?.code).toBe('no_active_session')
  })

  test('pause() keeps events out until resume(), and both are recorded', async () => {
    const recorder = recorderFor(uniqueDb())
    const { id } = await recorder.start()
    recorder.record('x.before', {})
    recorder.pause()
    expect(recorder.getSnapshot().state).toBe('paused')
    recorder.record('x.while-paused', {})
    recorder.resume()
    recorder.record('x.after', {})
    await recorder.flush()
    const types = (await recorder.sessions.events(id)).map((e) => e.type)
    expect(types).toEqual(['session.started', 'x.before', 'session.paused', 'session.resumed', 'x.after'])
  })

  test('snapshot() and annotate() record checkpoints and annotations with ids', async () => {
    const recorder = recorderFor(uniqueDb())
    const { id } = await recorder.start()
    const snapshotId = recorder.snapshot({ description: 'after lookup', state: { messages: [{ role: 'user', content: 'hi' }], model: 'gpt-4o-mini' } })
    const annotationId = recorder.annotate({ kind: 'score', key: 'quality', value: 0.9, target: 'session' })
    await recorder.flush()
    const [, snapshot, annotation] = await recorder.sessions.events(id)
    expect(snapshot).toMatchObject({ type: 'snapshot.created', checkpoint: true, data: { snapshotId, description: 'after lookup', state: { model: 'gpt-4o-mini' } } })
    expect(annotation).toMatchObject({ type: 'annotation.added', data: { annotationId, kind: 'score', key: 'quality', value: 0.9, target: 'session' } })
  })

  test('records what the payload was when record() was called, not what it became', async () => {
    const recorder = recorderFor(uniqueDb())
    const { id } = await recorder.start()
    const data = { messageId: 'm1', role: 'user' as const, content: 'first' }
    recorder.record('message.created', data)
    data.content = 'changed later'
    await recorder.flush()
    expect((await recorder.sessions.events(id))[1]!.data).toMatchObject({ content: 'first' })
  })

  test('strict: true refuses bad input at once with a stable code and loses nothing already accepted', async () => {
    const recorder = recorderFor(uniqueDb(), { maxEventBytes: 1024, strict: true })
    expect(codeOf(() => recorder.record('x.early', {}))).toBe('no_active_session')
    const { id } = await recorder.start()
    recorder.record('x.good', { n: 1 })
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    const bad: Array<[string, () => void]> = [
      ['not_serializable', () => recorder.record('x.fn', { onClick: () => {} })],
      ['not_serializable', () => recorder.record('x.cycle', cyclic)],
      ['not_serializable', () => recorder.record('x.big', { n: 1n })],
      ['not_serializable', () => recorder.record('x.node', { el: document.body })],
      ['invalid_event_type', () => recorder.record('message.creatd' as 'x.a', {})],
      ['reserved_event_type', () => recorder.record('session.ended' as 'x.a', {})],
      ['invalid_event_data', () => recorder.record('x.arr', [] as unknown as Record<string, unknown>)],
      ['event_too_large', () => recorder.record('x.huge', { text: 'x'.repeat(2000) })],
    ]
    for (const [code, call] of bad) expect(codeOf(call)).toBe(code)
    expect(() => recorder.record('x.node', { el: document.body })).toThrow(/DOM node \(HTMLBodyElement\)/)
    recorder.record('x.good', { n: 2 })
    await recorder.flush()
    const events = await recorder.sessions.events(id)
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [0, 'session.started'],
      [1, 'x.good'],
      [2, 'x.good'],
    ])
    const status = recorder.getSnapshot()
    expect(status.counts.rejected).toBe(bad.length + 2)
    expect(status.error?.code).toBe('not_serializable')
  })

  test('start() checks the session id and refuses a second session while one is recorded', async () => {
    const recorder = recorderFor(uniqueDb())
    await expect(recorder.start({ sessionId: '../etc' })).rejects.toMatchObject({ code: 'invalid_session_id' })
    const first = await recorder.start({ sessionId: 'conv-42' })
    expect(first.id).toBe('conv-42')
    // Starting the same session again is harmless (React StrictMode mounts twice).
    expect((await recorder.start({ sessionId: 'conv-42' })).id).toBe('conv-42')
    await expect(recorder.start({ sessionId: 'other' })).rejects.toBeInstanceOf(TapedeckError)
    await expect(recorder.start()).rejects.toMatchObject({ code: 'session_active' })
  })

  test('status listeners see a stable snapshot that changes only when something happens', async () => {
    const recorder = recorderFor(uniqueDb())
    await recorder.ready()
    const before = recorder.getSnapshot()
    expect(recorder.getSnapshot()).toBe(before)
    let calls = 0
    const unsubscribe = recorder.subscribe(() => calls++)
    await recorder.start()
    expect(calls).toBeGreaterThan(0)
    expect(recorder.getSnapshot()).not.toBe(before)
    unsubscribe()
    const seen = calls
    recorder.record('x.a', {})
    await recorder.flush()
    expect(calls).toBe(seen)
  })

  test('a hidden page hands buffered events over at once, without waiting for the interval', async () => {
    let hide = () => {}
    const recorder = recorderFor(uniqueDb(), {
      flushIntervalMs: 60_000,
      lifecycle: { subscribe: (events) => ((hide = events.hide), () => {}) },
    })
    await recorder.start()
    recorder.record('x.a', {})
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(recorder.getSnapshot().counts.durable).toBe(1)
    hide()
    await waitFor(() => recorder.getSnapshot().counts, (counts) => counts.durable === 2 && counts.pending === 0)
    expect(recorder.getSnapshot().lastSeq).toBe(1)
  })
})

describe('sessions', () => {
  test('lists with filters and a cursor, exports NDJSON and gzip, deletes', async () => {
    const dbName = uniqueDb()
    const recorder = recorderFor(dbName)
    const ids: string[] = []
    for (const [userId, feature] of [['u1', 'chat'], ['u2', 'voice'], ['u1', 'voice']] as const) {
      const { id } = await recorder.start({ userId, feature })
      recorder.record('message.created', { messageId: 'm', role: 'user', content: `from ${userId}` })
      await recorder.stop()
      ids.push(id)
    }
    expect((await recorder.sessions.list()).sessions.map((s) => s.id)).toEqual([...ids].reverse())
    expect((await recorder.sessions.list({ userId: 'u1' })).sessions.map((s) => s.id)).toEqual([ids[2], ids[0]])
    expect((await recorder.sessions.list({ feature: 'voice', status: 'ended' })).sessions).toHaveLength(2)
    const page1 = await recorder.sessions.list({ limit: 2 })
    const page2 = await recorder.sessions.list({ limit: 2, cursor: page1.nextCursor! })
    expect([...page1.sessions, ...page2.sessions].map((s) => s.id)).toEqual([...ids].reverse())
    expect(page2.nextCursor).toBeUndefined()

    const jsonl = await (await recorder.sessions.export(ids[0]!)).text()
    const lines = jsonl.trimEnd().split('\n').map((line) => JSON.parse(line))
    expect(lines.map((e) => e.type)).toEqual(['session.started', 'message.created', 'session.ended'])
    const gz = await recorder.sessions.export(ids[0]!, 'jsonl.gz')
    // One gzip member per stored chunk: a multi-member reader sees one NDJSON file.
    let inflated = ''
    new Gunzip((data) => (inflated += new TextDecoder().decode(data))).push(new Uint8Array(await gz.arrayBuffer()), true)
    expect(inflated).toBe(jsonl)

    expect(await recorder.sessions.delete(ids[0]!)).toBe(true)
    expect(await recorder.sessions.get(ids[0]!)).toBeUndefined()
    expect(await recorder.sessions.events(ids[0]!)).toEqual([])
    expect(await recorder.sessions.delete(ids[0]!)).toBe(false)
    await expect(recorder.sessions.export(ids[0]!)).rejects.toMatchObject({ code: 'session_not_found' })
  })
})
