import type { ReviewAnnotation } from '@tapedeck/core'
import { createHandler, createMemoryStore, serve } from '@tapedeck/server'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { evalEvents, evalRecordings } from '../../test/evalRecordings'
import { uploadEvents } from '../../test/uploadEvents'
import { runCli } from '../cli/runCli'
import { loadRecording } from '../load/loadRecording'
import type { Recording } from '../recording/Recording'
import { latencyBudget } from './checks/latencyBudget'
import { noErrors } from './checks/noErrors'
import { toolCalled, toolNotCalled } from './checks/toolCalled'
import { evaluate } from './evaluate'
import { postResults } from './postResults'
import { validationResults } from './validationResults'

const CHECKS_FILE = fileURLToPath(new URL('../../test/evalChecks.ts', import.meta.url))
const CHECKS = () => [latencyBudget({ latencyMs: 1000, at: 'every' }), noErrors(), toolCalled({ name: 'lookupOrder' }), toolNotCalled({ name: 'cancelOrder' })]
const KEYS = { ingestKeys: ['ingest-key'], readKeys: ['read-key'], reviewKeys: ['review-key'], log: false as const }

let server: { url: string; close(): Promise<void> }
const runs = evalEvents()

// The reference server on loopback, with the three recordings sent as a recorder sends them.
beforeAll(async () => {
  server = await serve({ handler: createHandler({ store: createMemoryStore(), ...KEYS }), port: 0, host: '127.0.0.1' })
  for (const events of runs) await uploadEvents(server.url, events, 'ingest-key')
})

afterAll(async () => {
  await server?.close()
})

const local = evalRecordings
const fromServer = (sessionId: string) => loadRecording({ endpoint: server.url, sessionId, token: 'read-key' })
const verdicts = (recording: Recording) => validationResults(recording).map(({ origin: _o, annotationId: _a, ...v }) => v)
async function stored(sessionId: string): Promise<ReviewAnnotation[]> {
  const response = await fetch(`${server.url}/v1/sessions/${sessionId}/annotations`, { headers: { authorization: 'Bearer read-key' } })
  return ((await response.json()) as { annotations: ReviewAnnotation[] }).annotations
}

describe('results stored on the server', () => {
  it('writes one review annotation per check that loadRecording reads back as the same verdicts, marked at the event they point at', async () => {
    const recordings = await local()
    await evaluate(recordings, CHECKS(), { author: 'ci' })
    const report = await postResults(recordings, { endpoint: server.url, token: 'review-key', author: 'ci' })
    expect(report).toEqual({ sessions: 3, created: 12, updated: 0, unchanged: 0, deleted: 0, failed: [] })

    const wrong = recordings[2]!
    const annotations = await stored(wrong.sessionId)
    expect(annotations).toHaveLength(4)
    const cancel = annotations.find((a) => a.text.includes('"no-tool:cancelOrder"'))!
    const call = wrong.events.find((e) => e.type === 'tool.call.started')!
    expect(cancel).toMatchObject({ kind: 'comment', author: 'ci', range: { fromSeq: call.seq, toSeq: call.seq } })
    expect(cancel.text.startsWith('validation.result {"name":"no-tool:cancelOrder","passed":false,"score":0,')).toBe(true)

    for (const recording of recordings) {
      const loaded = await fromServer(recording.sessionId)
      expect(verdicts(loaded)).toEqual(verdicts(recording))
    }
    const loaded = await fromServer(wrong.sessionId)
    expect(loaded.annotations.find((a) => a.annotationId === 'validation:no-tool:cancelOrder')).toMatchObject({ key: 'validation.result', kind: 'label', target: { eventId: call.id }, author: 'ci' })
  })

  it('evaluating again replaces each verdict instead of adding one', async () => {
    const recordings = await local()
    await evaluate(recordings, CHECKS())
    await postResults(recordings, { endpoint: server.url, token: 'review-key' })
    // A stricter latency budget: the good recording now fails it too; nothing else changes.
    await evaluate(recordings, [latencyBudget({ latencyMs: 1, at: 'every' })])
    const report = await postResults(recordings, { endpoint: server.url, token: 'review-key' })
    // Each latency verdict changed (its budget is in its details); the other nine did not.
    expect(report).toMatchObject({ sessions: 3, created: 0, updated: 3, unchanged: 9, failed: [] })
    const good = await fromServer(recordings[0]!.sessionId)
    expect(await stored(good.sessionId)).toHaveLength(4)
    expect(verdicts(good).map((v) => [v.name, v.passed])).toEqual([
      ['latency', false],
      ['no-errors', true],
      ['no-tool:cancelOrder', true],
      ['tool:lookupOrder', true],
    ])
  })

  it('reports the sessions it could not write, and writes the others', async () => {
    const [good, slow] = await local()
    const missing = await loadRecording([{ ...runs[0]![0]!, sessionId: 's_nowhere', id: 'x0' }])
    await evaluate([good!, slow!, missing], CHECKS())
    const report = await postResults([good!, missing], { endpoint: server.url, token: 'review-key' })
    expect(report.sessions).toBe(1)
    expect(report.failed).toEqual([{ sessionId: 's_nowhere', code: 'session_not_found', message: expect.stringContaining('404') }])
    // A read key may not write annotations.
    const refused = await postResults(slow!, { endpoint: server.url, token: 'read-key' })
    expect(refused.failed.map((f) => [f.sessionId, f.code])).toEqual([['s_slow', 'forbidden']])
    const unreachable = await postResults(slow!, { endpoint: 'http://127.0.0.1:9', token: 'review-key' })
    expect(unreachable.failed.map((f) => f.code)).toEqual(['load_failed'])
  })

  it('tapedeck eval --server --key stores the results; a server that refuses them exits 2', async () => {
    const fresh = await serve({ handler: createHandler({ store: createMemoryStore(), ...KEYS }), port: 0, host: '127.0.0.1' })
    try {
      for (const events of runs) await uploadEvents(fresh.url, events, 'ingest-key')
      let stdout = ''
      let stderr = ''
      const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t), env: { TAPEDECK_TOKEN: 'read-key', TAPEDECK_REVIEW_KEY: 'review-key' } }
      expect(await runCli(['eval', fresh.url, '--checks', CHECKS_FILE, '--min-pass-rate', '0.8', '--server', fresh.url], io)).toBe(0)
      expect(stderr).toBe('')
      expect(stdout).toContain(`Stored on ${fresh.url}: 3 of 3 sessions (21 created, 0 updated, 0 unchanged)`)
      const slow = await loadRecording({ endpoint: fresh.url, sessionId: 's_slow', token: 'read-key' })
      expect(validationResults(slow).filter((v) => !v.passed).map((v) => v.name)).toEqual(['latency'])
      expect(slow.annotations.every((a) => a.author === 'tapedeck eval')).toBe(true)

      stderr = ''
      // Again with a key the server does not know: the gate passes, the results are not stored.
      expect(await runCli(['eval', fresh.url, '--checks', CHECKS_FILE, '--min-pass-rate', '0.8', '--server', fresh.url, '--key', 'wrong-key'], io)).toBe(2)
      expect(stderr).toContain('results of s_good not stored: unauthorized')
    } finally {
      await fresh.close()
    }
  })
})
