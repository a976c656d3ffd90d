import { Activity, StrictMode } from 'react'
import { fireEvent, render, screen } from '@testing-library/react'
import { afterEach, expect, test } from 'vitest'
import type { Recorder } from '@tapedeck/core'
import { Capture, cleanupAll, countWorkers, eventTypes, outsideRecorder, uniqueDb, waitFor } from '../test/helpers'
import { RecorderProvider } from './RecorderProvider'
import { useSessionRecording } from './useSessionRecording'

afterEach(cleanupAll)

function Chat({ name = 'chat', userId = 'u_1', sessionId }: { name?: string; userId?: string; sessionId?: string }) {
  const { sessionId: active, recordMessage } = useSessionRecording({ userId, feature: 'chat', sessionId, autoStart: true })
  return (
    <div>
      <span data-testid={`${name}-session`}>{active ?? 'none'}</span>
      <button onClick={() => recordMessage('user', `hello from ${name}`)}>{`send ${name}`}</button>
    </div>
  )
}

async function sessionShown(name = 'chat'): Promise<string> {
  return waitFor(() => {
    const text = screen.getByTestId(`${name}-session`).textContent!
    expect(text).not.toBe('none')
    return text
  })
}

function recorderRef() {
  return { current: null as Recorder | null }
}

test('StrictMode: one recorder, one session, each event once, and its extra unmount does not close anything', async () => {
  const dbName = uniqueDb()
  const workers = countWorkers()
  const ref = recorderRef()
  try {
    render(
      <StrictMode>
        <RecorderProvider options={{ dbName }}>
          <Capture into={ref} />
          <Chat />
        </RecorderProvider>
      </StrictMode>,
    )
    const id = await sessionShown()
    fireEvent.click(screen.getByText('send chat'))
    const recorder = ref.current!
    await recorder.flush()

    expect(workers.count).toBe(1)
    expect((await recorder.sessions.list()).sessions.map((s) => s.id)).toEqual([id])
    expect(await eventTypes(recorder, id)).toEqual(['session.started', 'message.created'])
    expect(recorder.getSnapshot()).toMatchObject({ state: 'recording', ready: true, session: { id } })
    // Still open a while later: StrictMode's unmount scheduled no close that fired after all.
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(recorder.getSnapshot().state).toBe('recording')
  } finally {
    workers.restore()
  }
})

test('a real unmount ends the auto-started session, then closes the recorder', async () => {
  const dbName = uniqueDb()
  const ref = recorderRef()
  const { unmount } = render(
    <RecorderProvider options={{ dbName }}>
      <Capture into={ref} />
      <Chat />
    </RecorderProvider>,
  )
  const id = await sessionShown()
  fireEvent.click(screen.getByText('send chat'))
  unmount()
  await waitFor(() => expect(ref.current!.getSnapshot().state).toBe('closed'))
  // A reference kept past the unmount does not bring a recorder back to life.
  const workers = countWorkers()
  try {
    expect(ref.current!.record('message.created', { messageId: 'late', role: 'user' })).toBe(false)
    expect(ref.current!.getSnapshot().error?.code).toBe('recorder_closed')
    await expect(ref.current!.start()).rejects.toMatchObject({ code: 'recorder_closed' })
    expect(workers.count).toBe(0)
  } finally {
    workers.restore()
  }

  const reader = outsideRecorder({ dbName })
  const events = await reader.sessions.events(id)
  expect(events.map((e) => e.type)).toEqual(['session.started', 'message.created', 'session.ended'])
  expect(events[2]!.data).toMatchObject({ reason: 'unmount' })
  expect((await reader.sessions.get(id))!.status).toBe('ended')
})

test('a provider mounted again after a real unmount works: a new recorder continues the conversation', async () => {
  const dbName = uniqueDb()
  const first = recorderRef()
  const tree = (ref: { current: Recorder | null }) => (
    <RecorderProvider options={{ dbName }}>
      <Capture into={ref} />
      <Chat sessionId="conversation-1" />
    </RecorderProvider>
  )
  const { unmount } = render(tree(first))
  await sessionShown()
  fireEvent.click(screen.getByText('send chat'))
  unmount()
  await waitFor(() => expect(first.current!.getSnapshot().state).toBe('closed'))

  const second = recorderRef()
  render(tree(second))
  expect(second.current).not.toBe(first.current)
  await waitFor(() => expect(second.current!.getSnapshot()).toMatchObject({ state: 'recording', session: { id: 'conversation-1', resumed: true } }))
  fireEvent.click(screen.getByText('send chat'))
  await second.current!.flush()
  expect(await eventTypes(second.current!, 'conversation-1')).toEqual([
    'session.started',
    'message.created',
    'session.ended',
    'session.resumed',
    'message.created',
  ])
})

test('two providers side by side have independent recorders', async () => {
  const a = recorderRef()
  const b = recorderRef()
  const [dbA, dbB] = [uniqueDb(), uniqueDb()]
  render(
    <>
      <RecorderProvider options={{ dbName: dbA }}>
        <Capture into={a} />
        <Chat name="a" userId="u_a" />
      </RecorderProvider>
      <RecorderProvider options={{ dbName: dbB }}>
        <Capture into={b} />
        <Chat name="b" userId="u_b" />
      </RecorderProvider>
    </>,
  )
  const [idA, idB] = [await sessionShown('a'), await sessionShown('b')]
  expect(idA).not.toBe(idB)
  expect(a.current).not.toBe(b.current)
  fireEvent.click(screen.getByText('send a'))
  await Promise.all([a.current!.flush(), b.current!.flush()])

  const listA = (await a.current!.sessions.list()).sessions
  const listB = (await b.current!.sessions.list()).sessions
  expect(listA.map((s) => [s.id, s.userId])).toEqual([[idA, 'u_a']])
  expect(listB.map((s) => [s.id, s.userId])).toEqual([[idB, 'u_b']])
  expect(await eventTypes(a.current!, idA)).toEqual(['session.started', 'message.created'])
  expect(await eventTypes(b.current!, idB)).toEqual(['session.started'])
})

test('a recorder passed in is the one the hooks use, and the provider leaves it open', async () => {
  const recorder = outsideRecorder({ dbName: uniqueDb() })
  await recorder.ready() // its worker started before the count
  const ref = recorderRef()
  const workers = countWorkers()
  try {
    const { unmount } = render(
      <RecorderProvider recorder={recorder} options={{ dbName: 'never-opened' }}>
        <Capture into={ref} />
        <Chat />
      </RecorderProvider>,
    )
    const id = await sessionShown()
    expect(ref.current).toBe(recorder)
    expect(recorder.getSnapshot().session?.id).toBe(id)
    unmount()
    await new Promise((resolve) => setTimeout(resolve, 50))
    // The hook ended the session it started; the recorder is still the caller's, open.
    expect(recorder.getSnapshot().state).toBe('idle')
    await recorder.start()
    expect(recorder.getSnapshot().state).toBe('recording')
    expect(workers.count).toBe(0)
  } finally {
    workers.restore()
  }
})

test('<Activity> hidden counts as an unmount (the recorder closes); shown again, a new recorder takes over', async () => {
  const dbName = uniqueDb()
  const ref = recorderRef()
  const tree = (mode: 'visible' | 'hidden') => (
    <Activity mode={mode}>
      <RecorderProvider options={{ dbName }}>
        <Capture into={ref} />
        <Chat sessionId="conversation-2" />
      </RecorderProvider>
    </Activity>
  )
  const { rerender } = render(tree('visible'))
  await sessionShown()
  const handle = ref.current!
  rerender(tree('hidden'))
  await waitFor(() => expect(handle.getSnapshot().state).toBe('closed'))

  rerender(tree('visible'))
  expect(ref.current).toBe(handle)
  await waitFor(() => expect(handle.getSnapshot()).toMatchObject({ state: 'recording', ready: true, session: { id: 'conversation-2', resumed: true } }))
  fireEvent.click(screen.getByText('send chat'))
  await handle.flush()
  expect(await eventTypes(handle, 'conversation-2')).toEqual(['session.started', 'session.ended', 'session.resumed', 'message.created'])
})
