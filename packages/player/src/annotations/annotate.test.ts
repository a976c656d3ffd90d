import { describe, expect, test } from 'vitest'
import { supportSession } from '../../test/events'
import { loadRecording } from '../load/loadRecording'
import { allAnnotations, annotate, removeAnnotation } from './annotate'

describe('annotate', () => {
  test('adds an external annotation in a new array; allAnnotations lists recorded ones first', async () => {
    const recording = await loadRecording(supportSession())
    const before = recording.annotations
    const added = annotate(recording, { kind: 'score', key: 'quality', value: 0.9, target: 'session', author: 'reviewer-1', annotationId: 'x1' })
    expect(added).toEqual({ annotationId: 'x1', kind: 'score', key: 'quality', value: 0.9, target: 'session', origin: 'external', createdAt: expect.any(Number), author: 'reviewer-1' })
    expect(recording.annotations).not.toBe(before)
    expect(recording.annotations).toEqual([added])
    expect(allAnnotations(recording).map((a) => [a.annotationId, a.origin, a.seq])).toEqual([['a1', 'recorded', 22], ['x1', 'external', undefined]])
    // the events are untouched
    expect(recording.events).toHaveLength(25)
  })

  test('the value is copied as JSON: later changes to the object do not leak in', async () => {
    const recording = await loadRecording(supportSession())
    const value = { tags: ['a'] }
    const added = annotate(recording, { kind: 'label', key: 'tags', value, target: { eventId: recording.events[3]!.id } })
    value.tags.push('b')
    expect(added.value).toEqual({ tags: ['a'] })
  })

  test('removeAnnotation removes external ones by id', async () => {
    const recording = await loadRecording(supportSession())
    const { annotationId } = annotate(recording, { kind: 'comment', key: 'c', value: 'x', target: 'session' })
    expect(removeAnnotation(recording, 'nope')).toBe(false)
    expect(removeAnnotation(recording, annotationId)).toBe(true)
    expect(recording.annotations).toEqual([])
  })

  test.each([
    ['a kind outside the catalogue', { kind: 'flag', key: 'k', value: 1, target: 'session' }, 'invalid_event_data'],
    ['an empty key', { kind: 'label', key: '', value: 1, target: 'session' }, 'invalid_event_data'],
    ['a range that ends before it starts', { kind: 'label', key: 'k', value: 1, target: { fromT: 5, toT: 1 } }, 'invalid_event_data'],
    ['a target of another shape', { kind: 'label', key: 'k', value: 1, target: { seq: 3 } }, 'invalid_event_data'],
    ['a score that is not a number', { kind: 'score', key: 'k', value: 'high', target: 'session' }, 'invalid_event_data'],
    ['a value JSON cannot hold', { kind: 'comment', key: 'k', value: { n: 1n }, target: 'session' }, 'not_serializable'],
  ])('%s is refused (%s)', async (_name, input, code) => {
    const recording = await loadRecording(supportSession())
    expect(() => annotate(recording, input as never)).toThrow(expect.objectContaining({ code }))
    expect(recording.annotations).toEqual([])
  })
})
