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
import type {
  JsonObject,
  MessageCreatedData,
  ProviderCallCompletedData,
  ToolCallCompletedData,
  ToolCallStartedData,
} from '../events/catalogue'
import { randomId } from '../util/ulid'
import { normalizeUsage } from './normalizeUsage'
import { computeCost, mergePrices, type PriceTable } from './prices'
import { createSafeRecorder, type CaptureMode, type InstrumentStats, type RecorderLike } from './safeRecorder'
import { describeCaughtError } from './describeCaughtError'
import { isAbort } from '../util/isAbort'

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

type Part = Record<string, unknown>
interface MessageShape {
  id: string
  role: string
  parts?: unknown[]
  metadata?: unknown
}
interface SendOptions {
  trigger?: string
  chatId: string
  messageId?: string
  messages?: MessageShape[]
  abortSignal?: AbortSignal
}

interface ToolState {
  name: string
  state: string
  startedAt: number
  input?: unknown
  output?: unknown
  errorText?: string
  providerExecuted?: boolean
  started: boolean
  completed: boolean
}

const obj = (value: unknown): Part | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Part) : undefined
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

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

  const observe = (opts: SendOptions, t0: number, stream: ReadableStream<unknown>): ReadableStream<unknown> => {
    const chatId = opts.chatId
    let messageId = opts.trigger === 'regenerate-message' ? opts.messageId : undefined
    const texts = new Map<string, string>()
    let reasoning = ''
    const tools = new Map<string, ToolState>()
    const order: Array<{ kind: 'text' | 'reasoning' | 'tool'; id: string }> = []
    let metadata: Part = {}
    let finishReason: string | undefined
    let errorText: string | undefined
    let abortChunk = false
    let firstChunk = true
    let firstOutputAt: number | undefined
    let ended = false

    const output = () => (firstOutputAt ??= now())
    const mergeMetadata = (value: unknown) => {
      const m = obj(value)
      if (m) metadata = { ...metadata, ...m }
    }
    const tool = (id: string, name?: string): ToolState => {
      let t = tools.get(id)
      if (!t) {
        t = { name: name ?? 'unknown', state: 'input-streaming', startedAt: now(), started: false, completed: false }
        tools.set(id, t)
        order.push({ kind: 'tool', id })
      }
      if (name) t.name = name
      return t
    }
    const currentMessageId = () => (messageId ??= randomId('m_', 12))
    const startTool = (id: string, t: ToolState) => {
      if (t.started) return
      t.started = true
      const data: ToolCallStartedData = { toolCallId: id, name: t.name, chatId, messageId: currentMessageId() }
      if (full && t.input !== undefined) data.args = t.input
      if (t.providerExecuted !== undefined) data.providerExecuted = t.providerExecuted
      safe.record('tool.call.started', data)
    }
    const completeTool = (id: string, t: ToolState, error?: string) => {
      if (t.completed) return
      startTool(id, t)
      t.completed = true
      const data: ToolCallCompletedData = { toolCallId: id, name: t.name, durationMs: Math.round(now() - t.startedAt), chatId, messageId: currentMessageId(), executedBy: 'server' }
      if (error !== undefined) data.error = error
      else if (full) data.result = t.output
      safe.record('tool.call.completed', data)
    }

    const see = (value: unknown) => {
      const chunk = obj(value)
      if (!chunk) return
      if (firstChunk) {
        firstChunk = false
        status(chatId, 'streaming')
      }
      const id = str(chunk.id) ?? ''
      const toolCallId = str(chunk.toolCallId) ?? ''
      switch (chunk.type) {
        case 'start':
          messageId = str(chunk.messageId) ?? messageId
          mergeMetadata(chunk.messageMetadata)
          break
        case 'text-start':
          if (!texts.has(id)) (texts.set(id, ''), order.push({ kind: 'text', id }))
          break
        case 'text-delta':
          if (!texts.has(id)) order.push({ kind: 'text', id })
          texts.set(id, (texts.get(id) ?? '') + (str(chunk.delta) ?? ''))
          output()
          break
        case 'reasoning-delta':
          if (reasoning === '') order.push({ kind: 'reasoning', id })
          reasoning += str(chunk.delta) ?? ''
          output()
          break
        case 'tool-input-start': {
          const t = tool(toolCallId, str(chunk.toolName))
          if (typeof chunk.providerExecuted === 'boolean') t.providerExecuted = chunk.providerExecuted
          output()
          break
        }
        case 'tool-input-available': {
          const t = tool(toolCallId, str(chunk.toolName))
          t.input = chunk.input
          t.state = 'input-available'
          if (typeof chunk.providerExecuted === 'boolean') t.providerExecuted = chunk.providerExecuted
          output()
          startTool(toolCallId, t)
          break
        }
        case 'tool-input-error': {
          const t = tool(toolCallId, str(chunk.toolName))
          t.input = chunk.input
          t.state = 'output-error'
          t.errorText = str(chunk.errorText)
          completeTool(toolCallId, t, full ? (t.errorText ?? 'error') : 'error')
          break
        }
        case 'tool-approval-request':
          tool(toolCallId).state = 'approval-requested'
          break
        case 'tool-output-available': {
          if (chunk.preliminary === true) break
          const t = tool(toolCallId)
          t.output = chunk.output
          t.state = 'output-available'
          completeTool(toolCallId, t)
          break
        }
        case 'tool-output-error': {
          const t = tool(toolCallId)
          t.state = 'output-error'
          t.errorText = str(chunk.errorText)
          completeTool(toolCallId, t, full ? (t.errorText ?? 'error') : 'error')
          break
        }
        case 'tool-output-denied': {
          const t = tool(toolCallId)
          t.state = 'output-denied'
          completeTool(toolCallId, t, 'denied')
          break
        }
        case 'message-metadata':
          mergeMetadata(chunk.messageMetadata)
          break
        case 'finish':
          finishReason = str(chunk.finishReason) ?? finishReason
          mergeMetadata(chunk.messageMetadata)
          break
        case 'abort':
          abortChunk = true
          break
        case 'error':
          errorText = str(chunk.errorText) ?? 'error'
          break
      }
    }

    const end = (kind: 'done' | 'error' | 'cancel', error?: unknown) => {
      if (ended) return
      ended = true
      const endedAt = now()
      const aborted = abortChunk || kind === 'cancel' || (kind === 'error' && (isAbort(error) || opts.abortSignal?.aborted === true))
      const failure = aborted ? undefined : errorText !== undefined ? { name: 'ChatError', message: errorText } : kind === 'error' ? describeCaughtError(error) : undefined
      const timing: JsonObject = { latencyMs: Math.round((endedAt - t0) * 10) / 10 }
      if (firstOutputAt !== undefined) timing.ttftMs = Math.round((firstOutputAt - t0) * 10) / 10
      const text = [...texts.values()].join('')
      const hasContent = text !== '' || reasoning !== '' || tools.size > 0

      if (hasContent || messageId !== undefined) {
        const parts = order.map(({ kind: partKind, id }) => {
          if (partKind === 'text') return full ? { type: 'text', text: texts.get(id) ?? '' } : { type: 'text' }
          if (partKind === 'reasoning') return full ? { type: 'reasoning', text: reasoning } : { type: 'reasoning' }
          const t = tools.get(id)!
          const part: JsonObject = { type: 'tool', name: t.name, toolCallId: id, state: t.state }
          if (full && t.input !== undefined) part.input = t.input
          if (full && t.output !== undefined) part.output = t.output
          if (full && t.errorText !== undefined) part.errorText = t.errorText
          return part
        })
        const data: MessageCreatedData = { messageId: currentMessageId(), role: 'assistant', chatId, parts, ...timing }
        if (full) data.content = text
        const reason = aborted ? 'aborted' : failure ? 'error' : finishReason
        if (reason) data.finishReason = reason
        const meta = full ? metadata : pickMeta(metadata)
        if (Object.keys(meta).length > 0) data.metadata = meta
        safe.record('message.created', data)
      }
      for (const [id, t] of tools) {
        if (t.started && !t.completed && t.providerExecuted !== true) awaitingOutput.set(id, { name: t.name, startedAt: t.startedAt, messageId: currentMessageId() })
      }

      // The model call the server made, as far as its message metadata tells.
      const rawUsage = obj(metadata.usage) ?? obj(metadata.totalUsage)
      const model = str(metadata.model) ?? str(metadata.modelId)
      if (!failure && (rawUsage || model)) {
        const data: ProviderCallCompletedData = {
          callId: `${chatId}:${currentMessageId()}`,
          provider: str(metadata.provider) ?? 'ai-sdk',
          model: model ?? 'unknown',
          source: 'ai-sdk.messageMetadata',
          ...timing,
        }
        const usage = normalizeUsage('ai-sdk', rawUsage)
        if (rawUsage) data.rawUsage = rawUsage
        if (usage) {
          data.usage = usage.usage
          const providerCostUsd = typeof metadata.costUsd === 'number' ? metadata.costUsd : usage.providerCostUsd
          const cost = computeCost(model, usage.billable, { table: prices, providerCostUsd })
          if (cost) Object.assign(data, cost)
        }
        if (aborted) data.finishReason = 'aborted'
        else if (finishReason) data.finishReason = finishReason
        safe.record('provider.call.completed', data)
      }

      if (failure) {
        safe.record('error.raised', { message: failure.message, source: 'ai-sdk', chatId, messageId: currentMessageId() })
        status(chatId, 'error', { error: failure.message })
      } else {
        status(chatId, 'ready', aborted ? { reason: 'abort' } : {})
      }
    }

    const finish = (kind: 'done' | 'error' | 'cancel', error?: unknown) => {
      try {
        end(kind, error)
      } catch (failure) {
        safe.fail(failure)
      }
    }
    const reader = stream.getReader()
    return new ReadableStream<unknown>(
      {
        async pull(controller) {
          let result: ReadableStreamReadResult<unknown>
          try {
            result = await reader.read()
          } catch (error) {
            finish('error', error)
            throw error
          }
          if (result.done) {
            finish('done')
            controller.close()
            return
          }
          try {
            see(result.value)
          } catch (error) {
            safe.fail(error)
          }
          controller.enqueue(result.value)
        },
        cancel(reason) {
          finish('cancel', reason)
          return reader.cancel(reason)
        },
      },
      { highWaterMark: 0 },
    )
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
      return observe(opts, t0, stream)
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
      return observe({ ...opts, trigger: 'resume-stream' }, now(), stream)
    } catch (error) {
      safe.fail(error)
      return stream
    }
  }
  return wrapped
}

/** In metadata mode, only the numbers and names a server put in the message metadata. */
function pickMeta(metadata: Part): JsonObject {
  const out: JsonObject = {}
  for (const key of ['model', 'modelId', 'provider', 'usage', 'totalUsage', 'costUsd', 'finishReason']) {
    if (metadata[key] !== undefined) out[key] = metadata[key]
  }
  return out
}
