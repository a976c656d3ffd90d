import { render, screen } from '@testing-library/react'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { afterEach, expect, test, vi } from 'vitest'
import type { Recorder } from '@tapedeck/core'
import { cleanupAll, outsideRecorder, uniqueDb, waitFor } from '../test/helpers'
import { RecorderErrorBoundary } from './RecorderErrorBoundary'
import { RecorderProvider } from './RecorderProvider'
import { recorderRootOptions } from './recorderRootOptions'

afterEach(cleanupAll)

function Broken(): never {
  throw new Error('the order list broke')
}

async function raised(recorder: Recorder, sessionId: string) {
  await recorder.flush()
  return (await recorder.sessions.events(sessionId)).filter((event) => event.type === 'error.raised').map((event) => event.data as Record<string, unknown>)
}

test('RecorderErrorBoundary records what it catches (error.raised, component stack) and renders the fallback', async () => {
  const recorder = outsideRecorder({ dbName: uniqueDb() })
  const { id } = await recorder.start()
  const onError = vi.fn()
  const quiet = vi.spyOn(console, 'error').mockImplementation(() => {})
  render(
    <RecorderProvider recorder={recorder}>
      <RecorderErrorBoundary fallback={({ error }) => <p>Sorry: {(error as Error).message}</p>} onError={onError}>
        <Broken />
      </RecorderErrorBoundary>
    </RecorderProvider>,
  )
  quiet.mockRestore()
  expect(screen.getByText('Sorry: the order list broke')).toBeTruthy()
  expect(onError).toHaveBeenCalledOnce()
  const [data] = await raised(recorder, id)
  expect(data).toMatchObject({ message: 'the order list broke', name: 'Error', source: 'react', kind: 'caught' })
  expect(String(data!.componentStack)).toContain('Broken')
})

test('without a provider or a session it still renders the fallback, and nothing throws', () => {
  const quiet = vi.spyOn(console, 'error').mockImplementation(() => {})
  render(
    <RecorderErrorBoundary fallback={<p>Fallback shown</p>}>
      <Broken />
    </RecorderErrorBoundary>,
  )
  const recorder = outsideRecorder({ dbName: uniqueDb() }) // no session started: record() refuses
  render(
    <RecorderErrorBoundary recorder={recorder} fallback={<p>Second fallback</p>}>
      <Broken />
    </RecorderErrorBoundary>,
  )
  quiet.mockRestore()
  expect(screen.getByText('Fallback shown')).toBeTruthy()
  expect(screen.getByText('Second fallback')).toBeTruthy()
})

test("recorderRootOptions records React 19's uncaught and caught errors once each, then hands them on", async () => {
  const recorder = outsideRecorder({ dbName: uniqueDb() })
  const { id } = await recorder.start()
  const onUncaughtError = vi.fn()
  const onCaughtError = vi.fn()
  const container = document.createElement('div')
  document.body.append(container)
  // A root as an app makes it, outside act(): act() would throw the uncaught error at the test.
  const actEnvironment = (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT
  ;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false
  const root = createRoot(container, recorderRootOptions(recorder, { onUncaughtError, onCaughtError }))
  try {
    root.render(<Broken />)
    await waitFor(() => expect(onUncaughtError).toHaveBeenCalledOnce())
    // Caught by a RecorderErrorBoundary: recorded by the boundary, not a second time by the root.
    root.render(
      <StrictMode>
        <RecorderErrorBoundary recorder={recorder} fallback={<p>caught</p>}>
          <Broken />
        </RecorderErrorBoundary>
      </StrictMode>,
    )
    await waitFor(() => expect(onCaughtError).toHaveBeenCalledOnce())
    await waitFor(async () => expect((await raised(recorder, id)).length).toBe(2))
    expect((await raised(recorder, id)).map((data) => data!.kind)).toEqual(['uncaught', 'caught'])
  } finally {
    root.unmount()
    container.remove()
    ;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = actEnvironment
  }
})
