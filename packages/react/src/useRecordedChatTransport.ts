import { useState } from 'react'
import { recordChatTransport, type ChatTransportShape, type RecordChatTransportOptions } from '@tapedeck/core/instrument'
import { useRecorder } from './useRecorder'

/**
 * A chat transport for the AI SDK's `useChat`, recorded into the provider's recorder — made once
 * (per recorder), so `useChat` sees the same transport on every render:
 *
 * ```tsx
 * const transport = useRecordedChatTransport(() => new DefaultChatTransport({ api: '/api/chat' }))
 * const { messages, sendMessage } = useChat({ transport })
 * ```
 *
 * `create` and `options` are read when the transport is made, like `useState`'s initialiser.
 */
export function useRecordedChatTransport<T extends ChatTransportShape>(create: () => T, options?: RecordChatTransportOptions): ReturnType<typeof recordChatTransport<T>> {
  const recorder = useRecorder()
  const make = () => ({ recorder, transport: recordChatTransport(recorder, create(), options) })
  const [made, setMade] = useState(make)
  if (made.recorder !== recorder) {
    // Another provider's recorder: a transport of its own (React's "adjust state on a prop change").
    const next = make()
    setMade(next)
    return next.transport
  }
  return made.transport
}
