import type { ReactNode } from 'react'
import { act, render, renderHook, screen } from '@testing-library/react'
import { afterEach, expect, test } from 'vitest'
import type { Recorder, RecorderOptions } from '@tapedeck/core'
import { Capture, cleanupAll, eventTypes, outsideRecorder, uniqueDb, waitFor } from '../test/helpers'
import { RecorderProvider } from './RecorderProvider'
import { useRecorder } from './useRecorder'
import { useSessionRecording, type SessionRecordingOptions } from './useSessionRecording'

afterEach(cleanupAll)

/** renderHook under a provider of its own; also hands back the provider's recorder. */
function renderRecording(initial: SessionRecordingOptions, options: RecorderOptions = { dbName: uniqueDb() }) {
  const wrapper = ({ children }: { children: ReactNode }) => <RecorderProvider options={options}>{children}</RecorderProvider>
  const hook = renderHook((props: SessionRecordingOptions) => ({ recording: useSessionRecording(props), recorder: useRecorder() }), {
    initialProps: initial,
    wrapper,
  })
  const recorder = hook.result.current.recorder
  return { ...hook, recorder, current: () => hook.result.current.recording }
}

async function started(current: () => { sessionId: string | null }): Promise<string> {
  return waitFor(() => {
    expect(current().sessionId).not.toBeNull()
    return current().sessionId!
  })
}

async function storedEvents(recorder: Recorder, id: string) {
  await recorder.flush()
  return recorder.sessions.events(id)
}

test('recordInteraction writes provider.call.started and .completed in the catalogue shape', async () => {
  const { current, recorder } = renderRecording({ userId: 'u_1', autoStart: true })
  const id = await started(current)
  const callId = current().recordInteraction({
    model: 'gpt-4o-mini',
    provider: 'openai',
    prompt: 'Where is my order?',
    response: { text: 'On its way.' },
    tokens: { input: 15, output: 25, total: 40 },
    cost: 0.0008,
    latency: 1200,
    ttft: 310,
    finishReason: 'stop',
    requestMetadata: { temperature: 0.2, maxTokens: 256 },
  })
  const events = (await storedEvents(recorder, id)).filter((e) => e.type.startsWith('provider.'))
  expect(events.map((e) => [e.type, e.data])).toEqual([
    [
      'provider.call.started',
      {
        callId,
        provider: 'openai',
        model: 'gpt-4o-mini',
        params: { temperature: 0.2, maxTokens: 256 },
        messages: [{ role: 'user', content: 'Where is my order?' }],
      },
    ],
    [
      'provider.call.completed',
      {
        callId,
        provider: 'openai',
        model: 'gpt-4o-mini',
        response: { text: 'On its way.' },
        usage: { inputTokens: 15, outputTokens: 25 },
        costUsd: 0.0008,
        latencyMs: 1200,
        ttftMs: 310,
        finishReason: 'stop',
      },
    ],
  ])
  // The session's counters read the same fields.
  expect((await recorder.sessions.get(id))!.counters).toMatchObject({ inputTokens: 15, outputTokens: 25, costUsd: 0.0008, calls: 1 })
})

test('a failed interaction is provider.call.failed; a message array prompt is kept as it is', async () => {
  const { current, recorder } = renderRecording({ autoStart: true })
  const id = await started(current)
  const messages = [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hi' },
  ]
  const callId = current().recordInteraction({ model: 'claude-x', prompt: messages, latency: 90, error: new TypeError('overloaded') })
  const events = (await storedEvents(recorder, id)).filter((e) => e.type.startsWith('provider.'))
  expect(events.map((e) => [e.type, e.data])).toEqual([
    ['provider.call.started', { callId, provider: 'unknown', model: 'claude-x', messages }],
    ['provider.call.failed', { callId, error: { name: 'TypeError', message: 'overloaded' }, latencyMs: 90 }],
  ])
})

test('no recording callback throws: before start, with input it cannot read, with a result it cannot take', async () => {
  const reported: string[] = []
  const { current, recorder } = renderRecording({}, { dbName: uniqueDb(), debug: false, onError: (error) => reported.push(error.code) })
  const r = current()
  const bug = new Error('getter bug')
  const hostile = new Proxy({}, { ownKeys: () => { throw bug }, get: () => { throw bug } })
  expect(r.recordMessage('user', 'hello')).toMatch(/^msg_/)
  expect(() => r.feedback({ rating: 1 })).not.toThrow()
  expect(reported).toEqual(['no_active_session', 'no_active_session'])
  const { id } = await act(() => r.start())
  expect(r.recordMessage('user', 'hi', hostile as never)).toBe('')
  expect(() => r.recordAction('click', undefined, hostile as never)).not.toThrow()
  expect(r.recordToolCall(undefined as never)).toBe('')
  expect(r.recordInteraction(hostile as never)).toBe('')
  const toolCallId = r.recordToolCall({ name: 'lookup', result: { n: 1n } })
  expect(reported.slice(2)).toEqual(['invalid_event_data', 'invalid_event_data', 'invalid_event_data', 'invalid_event_data', 'not_serializable'])
  expect(recorder.getSnapshot().errors.slice(2).map((error) => error.cause)).toEqual([bug, bug, expect.any(TypeError), bug, undefined])
  const events = (await storedEvents(recorder, id)).slice(1)
  expect(events.map((e) => [e.type, e.data])).toEqual([
    ['tool.call.started', { toolCallId, name: 'lookup' }],
    ['tool.call.completed', { toolCallId, name: 'lookup', error: { name: 'TapedeckError', message: expect.stringContaining('BigInt') } }],
  ])
})

test('messages, tool calls, actions, feedback, snapshots and annotations become their catalogue events', async () => {
  const { current, recorder } = renderRecording({ autoStart: true })
  const id = await started(current)
  const r = current()
  const messageId = r.recordMessage('assistant', 'Your order ships today.', { model: 'gpt-4o-mini' })
  const toolCallId = r.recordToolCall({ name: 'lookupOrder', args: { orderId: 'A1' }, result: { status: 'shipped' }, durationMs: 42 })
  const failedTool = r.recordToolCall({ name: 'refund', error: new Error('not allowed') })
  r.recordAction('click', { selector: '#send', label: 'Send' }, { url: '/chat' })
  r.feedback({ rating: 5, comment: 'great', messageId })
  const snapshotId = r.snapshot({ description: 'after lookup', state: { step: 2 } })
  const annotationId = r.annotate({ kind: 'score', key: 'quality', value: 0.9, target: 'session' })

  const events = (await storedEvents(recorder, id)).slice(1)
  expect(events.map((e) => [e.type, e.data])).toEqual([
    ['message.created', { model: 'gpt-4o-mini', messageId, role: 'assistant', content: 'Your order ships today.' }],
    ['tool.call.started', { toolCallId, name: 'lookupOrder', args: { orderId: 'A1' } }],
    ['tool.call.completed', { toolCallId, name: 'lookupOrder', result: { status: 'shipped' }, durationMs: 42 }],
    ['tool.call.started', { toolCallId: failedTool, name: 'refund' }],
    ['tool.call.completed', { toolCallId: failedTool, name: 'refund', error: { name: 'Error', message: 'not allowed' } }],
    ['user.action', { url: '/chat', kind: 'click', target: { selector: '#send', label: 'Send' } }],
    ['feedback.submitted', { rating: 5, comment: 'great', messageId }],
    ['snapshot.created', { snapshotId, state: { step: 2 }, description: 'after lookup' }],
    ['annotation.added', { kind: 'score', key: 'quality', value: 0.9, target: 'session', annotationId }],
  ])
  expect(events.find((e) => e.type === 'snapshot.created')!.checkpoint).toBe(true)
})

test('the functions keep their identity across renders and read the latest options', async () => {
  const { current, rerender, recorder } = renderRecording({ userId: 'u_1', feature: 'chat' })
  const before = current()
  rerender({ userId: 'u_2', feature: 'support', tags: ['vip'] })
  const after = current()
  for (const name of [
    'start',
    'recordMessage',
    'recordInteraction',
    'recordToolCall',
    'recordAction',
    'snapshot',
    'annotate',
    'feedback',
    'pause',
    'resume',
    'stop',
  ] as const) {
    expect(after[name], name).toBe(before[name])
  }
  // The function from the first render starts with the metadata of the latest one.
  const { id } = await act(() => before.start({ label: 'manual' }))
  expect(current().sessionId).toBe(id)
  expect(await recorder.sessions.get(id)).toMatchObject({ userId: 'u_2', feature: 'support', tags: ['vip'], label: 'manual' })
})

test('autoStart with a sessionId continues that session; status follows pause, resume and stop', async () => {
  const dbName = uniqueDb()
  const earlier = outsideRecorder({ dbName })
  await earlier.start({ sessionId: 'conversation-7', userId: 'u_7' })
  earlier.record('message.created', { messageId: 'm0', role: 'user', content: 'first visit' })
  await earlier.close() // the tab went away: the session stays open, resumable

  const { current, recorder } = renderRecording({ sessionId: 'conversation-7', userId: 'u_7', autoStart: true }, { dbName })
  await waitFor(() => expect(recorder.getSnapshot().session).toMatchObject({ id: 'conversation-7', resumed: true }))
  expect(current()).toMatchObject({ sessionId: 'conversation-7', status: 'recording' })
  current().recordMessage('user', 'second visit')

  act(() => current().pause())
  expect(current().status).toBe('paused')
  act(() => current().resume())
  expect(current().status).toBe('recording')
  await act(() => current().stop('done'))
  expect(current()).toMatchObject({ sessionId: null, status: 'idle' })

  const sessions = (await recorder.sessions.list()).sessions
  expect(sessions.map((s) => s.id)).toEqual(['conversation-7'])
  const types = (await recorder.sessions.events('conversation-7')).map((e) => e.type)
  expect(types[0]).toBe('session.started')
  expect(types.filter((t) => t === 'session.started')).toHaveLength(1)
  expect(types).toContain('session.resumed')
  expect(types.slice(-4)).toEqual(['message.created', 'session.paused', 'session.resumed', 'session.ended'])
  expect(types.filter((t) => t === 'message.created')).toHaveLength(2)
})

test('changing the sessionId of an auto-started recording switches sessions', async () => {
  const { current, recorder, rerender } = renderRecording({ sessionId: 'conv-a', autoStart: true })
  await waitFor(() => expect(current().sessionId).toBe('conv-a'))
  rerender({ sessionId: 'conv-b', autoStart: true })
  await waitFor(() => expect(current().sessionId).toBe('conv-b'))
  await recorder.flush()
  expect((await recorder.sessions.get('conv-a'))!.status).toBe('ended')
  expect((await recorder.sessions.get('conv-b'))!.status).toBe('active')
})

test('a conversation replaced by another (a new key) hands over: the old session ends, the new one starts', async () => {
  function Conversation({ id }: { id: string }) {
    const recording = useSessionRecording({ autoStart: true, sessionId: id })
    return <p data-testid="out">{`${recording.sessionId} ${recording.error ? (recording.error as { code?: string }).code : 'no error'}`}</p>
  }
  const ref = { current: null as Recorder | null }
  const dbName = uniqueDb()
  const app = (id: string) => (
    <RecorderProvider options={{ dbName }}>
      <Capture into={ref} />
      <Conversation key={id} id={id} />
    </RecorderProvider>
  )
  const { rerender } = render(app('conv-1'))
  await waitFor(() => expect(screen.getByTestId('out').textContent).toBe('conv-1 no error'))
  rerender(app('conv-2'))
  await waitFor(() => expect(screen.getByTestId('out').textContent).toBe('conv-2 no error'))
  const recorder = ref.current!
  await recorder.flush()
  expect((await recorder.sessions.get('conv-1'))!.status).toBe('ended')
  expect((await recorder.sessions.get('conv-2'))!.status).toBe('active')
  expect((await eventTypes(recorder, 'conv-1')).at(-1)).toBe('session.ended')
})

test('autoStart that cannot start (another session is being recorded) says why in error', async () => {
  function Two() {
    const first = useSessionRecording({ autoStart: true, sessionId: 'first' })
    const second = useSessionRecording({ autoStart: true })
    return <p data-testid="out">{`${first.sessionId} ${second.error ? (second.error as { code?: string }).code : 'no error'}`}</p>
  }
  render(
    <RecorderProvider options={{ dbName: uniqueDb() }}>
      <Two />
    </RecorderProvider>,
  )
  await waitFor(() => expect(screen.getByTestId('out').textContent).toBe('first session_active'))
})
