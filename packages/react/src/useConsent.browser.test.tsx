import type { ReactNode } from 'react'
import { act, renderHook } from '@testing-library/react'
import { afterEach, expect, test } from 'vitest'
import { cleanupAll, uniqueDb, waitFor } from '../test/helpers'
import { RecorderProvider } from './RecorderProvider'
import { useConsent } from './useConsent'
import { useRecorder } from './useRecorder'

afterEach(cleanupAll)

test('required consent: pending (nothing stored, withheld counted), granted (stored), withdrawn (recording stops)', async () => {
  let renders = 0
  const wrapper = ({ children }: { children: ReactNode }) => (
    <RecorderProvider options={{ dbName: uniqueDb(), consent: { mode: 'required', remember: false } }}>{children}</RecorderProvider>
  )
  const { result } = renderHook(
    () => {
      renders++
      return { consent: useConsent(), recorder: useRecorder() }
    },
    { wrapper },
  )
  const recorder = result.current.recorder
  expect(result.current.consent).toMatchObject({ mode: 'required', state: 'pending', needed: true, scopes: { content: false, actions: false, audio: false } })

  const { id } = await act(() => recorder.start())
  recorder.record('message.created', { messageId: 'm0', role: 'user', content: 'before consent' })
  expect(recorder.getSnapshot().withheld).toBe(1)

  await act(() => result.current.consent.grant())
  expect(result.current.consent).toMatchObject({ state: 'granted', needed: false, scopes: { content: true, actions: true, audio: false } })

  // Status changes that are not consent do not render the component again.
  const before = renders
  for (let i = 1; i <= 5; i++) {
    recorder.record('message.created', { messageId: `m${i}`, role: 'user', content: `after consent ${i}` })
    await act(() => recorder.flush())
  }
  expect(renders).toBe(before)
  const stored = (await recorder.sessions.events(id)).filter((e) => e.type === 'message.created').map((e) => (e.data as { content: string }).content)
  expect(stored).toEqual(['after consent 1', 'after consent 2', 'after consent 3', 'after consent 4', 'after consent 5'])

  await act(() => result.current.consent.withdraw())
  expect(result.current.consent).toMatchObject({ state: 'withdrawn', needed: true })
  await waitFor(() => expect(recorder.getSnapshot().state).toBe('idle'))
  const session = await recorder.sessions.get(id)
  expect(session?.status).toBe('ended')
})
