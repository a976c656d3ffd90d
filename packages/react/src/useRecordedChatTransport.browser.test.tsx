import { renderHook } from '@testing-library/react'
import type { ReactNode } from 'react'
import { afterEach, expect, test, vi } from 'vitest'
import type { Recorder } from '@tapedeck/core'
import { cleanupAll, outsideRecorder, uniqueDb } from '../test/helpers'
import { RecorderProvider } from './RecorderProvider'
import { useRecordedChatTransport } from './useRecordedChatTransport'

afterEach(cleanupAll)

class FakeTransport {
  sendMessages = async () => new ReadableStream()
  reconnectToStream = async () => null
}

test('useRecordedChatTransport makes one recording transport per recorder, the same on every render', () => {
  const first = outsideRecorder({ dbName: uniqueDb() })
  const second = outsideRecorder({ dbName: uniqueDb() })
  let recorder: Recorder = first
  const wrapper = ({ children }: { children: ReactNode }) => <RecorderProvider recorder={recorder}>{children}</RecorderProvider>
  const create = vi.fn(() => new FakeTransport())
  const { result, rerender } = renderHook(() => useRecordedChatTransport(create), { wrapper })
  const made = result.current
  expect(made).toBeInstanceOf(FakeTransport) // still the app's transport class
  expect(made.tapedeckStats).toBeDefined() // and recorded
  rerender()
  rerender()
  expect(result.current).toBe(made)
  expect(create).toHaveBeenCalledTimes(1)
  recorder = second
  rerender()
  expect(result.current).not.toBe(made)
  expect(create).toHaveBeenCalledTimes(2)
})
