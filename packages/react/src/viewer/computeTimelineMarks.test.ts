import { expect, test } from 'vitest'
import type { Annotation } from '@tapedeck/player'
import { eventList } from '../../test/events'
import { computeAnnotationMarks, computeTimelineMarks } from './computeTimelineMarks'

const annotation = (fields: Partial<Annotation> & Pick<Annotation, 'target'>): Annotation => ({
  annotationId: 'a1',
  kind: 'label',
  key: 'topic',
  value: 'billing',
  origin: 'external',
  ...fields,
})

test('checkpoints, errors and annotations become marks at their time; session annotations are not moments', () => {
  const { events, add } = eventList()
  add('session.started', {}, { t: 0 })
  add('snapshot.created', { snapshotId: 'p1', description: 'after lookup', state: {} }, { t: 100, checkpoint: true })
  add('provider.call.failed', { callId: 'c1', error: { name: 'RateLimitError', message: 'slow down' } }, { t: 200 })
  add('tool.call.completed', { toolCallId: 't1', name: 'lookupOrder', error: 'no such order' }, { t: 300 })
  add('tool.call.completed', { toolCallId: 't2', name: 'lookupOrder', result: {} }, { t: 350 })
  const target = add('message.created', { messageId: 'm1', role: 'user', content: 'hi' }, { t: 400 })
  add('recorder.dropped', { count: 3, reason: 'quota' }, { t: 500 })
  const annotations = [
    annotation({ target: 'session' }),
    annotation({ annotationId: 'a2', target: { eventId: target.id }, value: 'greeting' }),
    annotation({ annotationId: 'a3', target: { fromT: 600, toT: 700 }, kind: 'score', key: 'quality', value: 0.5 }),
    annotation({ annotationId: 'a4', target: { eventId: 'not-there' } }),
  ]
  const { marks, checkpoints } = computeTimelineMarks(events, 1000)
  expect(marks).toEqual([
    { kind: 'checkpoint', t: 100, seq: 1, label: 'after lookup', count: 1 },
    { kind: 'error', t: 200, seq: 2, label: 'provider.call.failed: slow down', count: 1 },
    { kind: 'error', t: 300, seq: 3, label: 'tool lookupOrder failed: no such order', count: 1 },
    { kind: 'error', t: 500, seq: 6, label: '3 events dropped', count: 1 },
  ])
  expect(checkpoints).toEqual([100])
  const times = new Map(events.map((e) => [e.id, e.t]))
  expect(computeAnnotationMarks(annotations, 1000, (id) => times.get(id))).toEqual([
    { kind: 'annotation', t: 400, label: 'topic: greeting', count: 1 },
    { kind: 'annotation', t: 600, toT: 700, label: 'quality: 0.5', count: 1 },
  ])
  // A recorded annotation carries its own time.
  expect(computeAnnotationMarks([annotation({ target: { eventId: 'x' }, t: 42, seq: 9, origin: 'recorded' })], 1000, () => undefined)).toEqual([
    { kind: 'annotation', t: 42, seq: 9, label: 'topic: billing', count: 1 },
  ])
})

test('however many events, at most `buckets` marks of a kind: close ones merge and count', () => {
  const { events, add } = eventList()
  for (let i = 0; i < 100_000; i++) add(i % 10 === 0 ? 'snapshot.created' : 'x.tick', { i }, { t: i, checkpoint: i % 10 === 0 })
  const { marks, checkpoints } = computeTimelineMarks(events, 100_000, 500)
  expect(marks).toHaveLength(500)
  expect(marks.every((m) => m.kind === 'checkpoint' && m.count === 20)).toBe(true)
  expect(marks[1]).toMatchObject({ t: 200, seq: 200 })
  expect(checkpoints).toHaveLength(10_000)
})
