import { act, render, screen } from '@testing-library/react'
import { afterEach, expect, inject, test } from 'vitest'
import type { Recorder, RecorderStatus } from '@tapedeck/core'
import { Capture, cleanupAll, uniqueDb, waitFor } from '../test/helpers'
import { RecorderProvider } from './RecorderProvider'
import { useRecorderStatus } from './useRecorderStatus'
import { useSyncStatus } from './useSyncStatus'

afterEach(cleanupAll)

const renders = { all: 0, state: 0, pair: 0 }

function All() {
  const status = useRecorderStatus()
  renders.all++
  return <span data-testid="all">{`${status.state} ${status.counts.durable}`}</span>
}

function State() {
  const state = useRecorderStatus((s) => s.state) // a new selector function every render
  renders.state++
  return <span data-testid="state">{state}</span>
}

const samePair = (a: { state: string; id: string | null }, b: { state: string; id: string | null }) => a.state === b.state && a.id === b.id

function Pair() {
  // A new object every call: equal ones must not re-render (nor loop).
  const pair = useRecorderStatus((s: RecorderStatus) => ({ state: s.state, id: s.session?.id ?? null }), samePair)
  renders.pair++
  return <span data-testid="pair">{`${pair.state} ${pair.id}`}</span>
}

async function mountStatus(): Promise<Recorder> {
  Object.assign(renders, { all: 0, state: 0, pair: 0 })
  const ref = { current: null as Recorder | null }
  render(
    <RecorderProvider options={{ dbName: uniqueDb() }}>
      <Capture into={ref} />
      <All />
      <State />
      <Pair />
    </RecorderProvider>,
  )
  await waitFor(() => expect(ref.current!.getSnapshot().ready).toBe(true))
  return ref.current!
}

test('useRecorderStatus re-renders on every change; the selector form only when the selected value changes', async () => {
  const recorder = await mountStatus()
  expect(screen.getByTestId('state').textContent).toBe('idle')
  const { id } = await act(() => recorder.start())
  await waitFor(() => expect(screen.getByTestId('all').textContent).toBe('recording 1'))
  expect(screen.getByTestId('state').textContent).toBe('recording')
  expect(screen.getByTestId('pair').textContent).toBe(`recording ${id}`)

  const before = { ...renders }
  for (let i = 0; i < 5; i++) {
    recorder.record('message.created', { messageId: `m${i}`, role: 'user', content: `message ${i}` })
    await act(() => recorder.flush())
  }
  await waitFor(() => expect(screen.getByTestId('all').textContent).toBe('recording 6'))
  // The counts changed with every batch: the whole-status reader saw each change...
  expect(renders.all - before.all).toBeGreaterThanOrEqual(5)
  // ...the selectors' values did not change, so their components did not render again.
  expect(renders.state).toBe(before.state)
  expect(renders.pair).toBe(before.pair)

  act(() => recorder.pause())
  expect(screen.getByTestId('state').textContent).toBe('paused')
  expect(renders.state).toBe(before.state + 1)
  expect(renders.pair).toBe(before.pair + 1)
})

test('useSyncStatus follows uploads to a real server, and is null when sync is off', async () => {
  function Sync({ testId }: { testId: string }) {
    const sync = useSyncStatus()
    return <span data-testid={testId}>{sync ? `${sync.state} pending=${sync.pendingEvents} synced=${sync.lastSuccessAt !== null}` : 'off'}</span>
  }
  const ref = { current: null as Recorder | null }
  render(
    <>
      <RecorderProvider options={{ dbName: uniqueDb(), endpoint: inject('tapedeckServer'), sync: 'manual' }}>
        <Capture into={ref} />
        <Sync testId="sync" />
      </RecorderProvider>
      <RecorderProvider options={{ dbName: uniqueDb() }}>
        <Sync testId="no-sync" />
      </RecorderProvider>
    </>,
  )
  const recorder = ref.current!
  await act(() => recorder.start())
  recorder.record('message.created', { messageId: 'm1', role: 'user', content: 'hello' })
  await act(() => recorder.flush())
  await waitFor(() => expect(screen.getByTestId('sync').textContent).toMatch(/^idle pending=[1-9]\d* synced=false$/))
  await act(() => recorder.syncNow())
  await waitFor(() => expect(screen.getByTestId('sync').textContent).toBe('idle pending=0 synced=true'))
  expect(screen.getByTestId('no-sync').textContent).toBe('off')
})
