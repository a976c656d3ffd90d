/**
 * Records a Vercel AI SDK (v5/v6) conversation at its transport: wrap the `ChatTransport` that
 * `useChat` / `new Chat()` use, and every turn becomes events — the user's message
 * (`message.created`), the assistant's message once streamed (text, reasoning, tool parts and
 * their states), `tool.call.started` / `tool.call.completed`, status transitions
 * (`x.chat.status`: submitted → streaming → ready | error), finish, abort and errors, and a
 * `provider.call.completed` from the `{ model, usage }` a server puts in the message metadata
 * (`toUIMessageStreamResponse({ messageMetadata })`, see docs/instrumentation.md).
 *
 * Types are structural (no import from `ai`), so core does not depend on the AI SDK; the
 * transport you pass is returned with its own type.
 */
import type { JsonObject, MessageCreatedData, ToolCallCompletedData } from '../events/catalogue'
import { isAbort } from '../util/isAbort'
import { mergePrices, type PriceTable } from './prices'
import { createSafeRecorder, type CaptureMode, type InstrumentStats, type RecorderLike } from './safeRecorder'
import { describeCaughtError } from './describeCaughtError'
import { observeChatStream, obj, str, type ChatTransportState, type Part, type SendOptions } from './observeChatStream'

/** What this needs of a `ChatTransport` (the AI SDK's interface satisfies it). */
export interface ChatTransportShape {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  sendMessages: (...args: any[]) => Promise<ReadableStream<any>>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  reconnectToStream: (...args: any[]) => Promise<ReadableStream<any> | null>
}

export interface RecordChatTransportOptions {
  /** `metadata` keeps ids, states, tool names, tokens, cost and timings; drops message text, tool inputs and outputs. Default `full`. */
  capture?: CaptureMode
  /** Prices merged over `DEFAULT_PRICES`, for the cost of the usage found in message metadata. */
  prices?: PriceTable
  onError?: (error: unknown) => void
  now?: () => number
}

/** The status event this records; its `data.status` follows the AI SDK's `ChatStatus`. */
export const CHAT_STATUS_EVENT = 'x.chat.status'

function toolName(part: Part): string | undefined {
  const type = str(part.type)
  if (type === 'dynamic-tool') return str(part.toolName)
  return type?.startsWith('tool-') ? type.slice(5) : undefined
}

/** Wraps a chat transport so the conversation is recorded; returns a transport of the same type. */
export function recordChatTransport<T extends ChatTransportShape>(
  recorder: RecorderLike,
  transport: T,
  options: RecordChatTransportOptions = {},
): T & { readonly tapedeckStats: InstrumentStats } {
  const safe = createSafeRecorder(recorder, options.onError)
  const full = (options.capture ?? 'full') === 'full'
  const prices = mergePrices(options.prices)
  const now = options.now ?? (() => performance.now())
  /** User messages recorded, by id → the content recorded (an edited message is recorded again). */
  const userMessages = new Map<string, string>()
  /** Client-side tool calls waiting for the app's `addToolOutput`. */
  const awaitingOutput = new Map<string, { name: string; startedAt: number; messageId: string }>()

  const status = (chatId: string, value: string, extra: JsonObject = {}) => safe.record(CHAT_STATUS_EVENT, { chatId, status: value, ...extra })
  const state: ChatTransportState = { safe, full, now, prices, awaitingOutput, status }

  const partsSummary = (parts: unknown[] | undefined): unknown[] =>
    (parts ?? []).map((item) => {
      const part = obj(item) ?? {}
      const type = str(part.type) ?? 'unknown'
      if (type === 'text' || type === 'reasoning') return full ? { type, text: str(part.text) ?? '' } : { type }
      if (type === 'file') return { type, mediaType: part.mediaType, filename: part.filename } // never the data URL
      const name = toolName(part)
      if (name !== undefined) return { type: 'tool', name, toolCallId: part.toolCallId, state: part.state }
      return { type }
    })

  const textOf = (parts: unknown[] | undefined) =>
    (parts ?? [])
      .map((item) => obj(item))
      .filter((part) => part?.type === 'text')
      .map((part) => str(part!.text) ?? '')
      .join('\n')

  /** Records what the request carries that is new: the user's message, outputs of client-side tools. */
  const beginTurn = (opts: SendOptions) => {
    const messages = opts.messages ?? []
    for (const message of messages) {
      if (message.role !== 'assistant') continue
      for (const item of message.parts ?? []) {
        const part = obj(item)
        const id = str(part?.toolCallId)
        const waiting = id === undefined ? undefined : awaitingOutput.get(id)
        if (!part || !waiting || !id) continue
        const state = str(part.state)
        if (state !== 'output-available' && state !== 'output-error' && state !== 'output-denied') continue
        awaitingOutput.delete(id)
        const data: ToolCallCompletedData = { toolCallId: id, name: waiting.name, durationMs: Math.round(now() - waiting.startedAt), chatId: opts.chatId, messageId: message.id, executedBy: 'client' }
        if (state === 'output-available' && full) data.result = part.output
        if (state === 'output-error') data.error = full ? (str(part.errorText) ?? 'error') : 'error'
        if (state === 'output-denied') data.error = 'denied'
        safe.record('tool.call.completed', data)
      }
    }
    const last = messages.at(-1)
    if (opts.trigger === 'submit-message' && last?.role === 'user') {
      const content = textOf(last.parts)
      const key = JSON.stringify(last.parts ?? [])
      if (userMessages.get(last.id) !== key) {
        userMessages.set(last.id, key)
        const data: MessageCreatedData = { messageId: last.id, role: 'user', chatId: opts.chatId, parts: partsSummary(last.parts) }
        if (full) data.content = content
        safe.record('message.created', data)
      }
    }
    status(opts.chatId, 'submitted', { trigger: opts.trigger ?? 'submit-message' })
  }

  const failTurn = (opts: SendOptions, error: unknown) => {
    if (isAbort(error) || opts.abortSignal?.aborted) {
      status(opts.chatId, 'ready', { reason: 'abort' })
      return
    }
    const { message } = describeCaughtError(error)
    safe.record('error.raised', { message, source: 'ai-sdk', chatId: opts.chatId })
    status(opts.chatId, 'error', { error: message })
  }

  const wrapped = Object.create(transport) as T & { tapedeckStats: InstrumentStats }
  Object.defineProperty(wrapped, 'tapedeckStats', { value: safe.stats })
  wrapped.sendMessages = async (opts: SendOptions, ...rest: unknown[]) => {
    const active = safe.active()
    let t0 = 0
    try {
      t0 = now()
    } catch (error) {
      safe.fail(error)
    }
    if (active) {
      try {
        beginTurn(opts)
      } catch (error) {
        safe.fail(error)
      }
    } else safe.stats.skipped++
    let stream: ReadableStream<unknown>
    try {
      stream = await transport.sendMessages(opts, ...rest)
    } catch (error) {
      if (active) failTurn(opts, error)
      throw error
    }
    if (!active) return stream
    try {
      return observeChatStream(state, opts, t0, stream)
    } catch (error) {
      safe.fail(error)
      return stream
    }
  }
  wrapped.reconnectToStream = async (opts: SendOptions, ...rest: unknown[]) => {
    const stream = await transport.reconnectToStream(opts, ...rest)
    if (!stream || !safe.active()) return stream
    try {
      status(opts.chatId, 'streaming', { trigger: 'resume-stream' })
      return observeChatStream(state, { ...opts, trigger: 'resume-stream' }, now(), stream)
    } catch (error) {
      safe.fail(error)
      return stream
    }
  }
  return wrapped
}
