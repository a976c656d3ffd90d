/**
 * One assistant turn of a recorded AI SDK chat, read from a tee of its UI message stream: the
 * tool calls as their states change, then at the end the assistant's `message.created`, the
 * model call its metadata describes, and the chat's status (`recordChatTransport` wraps the
 * transport and calls this for each stream).
 */
import type { JsonObject, MessageCreatedData, ProviderCallCompletedData, ToolCallCompletedData, ToolCallStartedData } from '../events/catalogue'
import { randomId } from '../util/ulid'
import { isAbort } from '../util/isAbort'
import { normalizeUsage } from './normalizeUsage'
import { computeCost, type PriceTable } from './prices'
import type { SafeRecorder } from './safeRecorder'
import { describeCaughtError } from './describeCaughtError'

export type Part = Record<string, unknown>
export interface MessageShape {
  id: string
  role: string
  parts?: unknown[]
  metadata?: unknown
}
export interface SendOptions {
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

export const obj = (value: unknown): Part | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Part) : undefined
export const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

/** What one wrapped transport keeps across its turns. */
export interface ChatTransportState {
  safe: SafeRecorder
  full: boolean
  now: () => number
  prices: Readonly<PriceTable>
  /** Client-side tool calls waiting for the app's `addToolOutput`. */
  awaitingOutput: Map<string, { name: string; startedAt: number; messageId: string }>
  status: (chatId: string, value: string, extra?: JsonObject) => void
}

export function observeChatStream(transport: ChatTransportState, opts: SendOptions, t0: number, stream: ReadableStream<unknown>): ReadableStream<unknown> {
  const { safe, full, now, prices, awaitingOutput, status } = transport
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

/** In metadata mode, only the numbers and names a server put in the message metadata. */
function pickMeta(metadata: Part): JsonObject {
  const out: JsonObject = {}
  for (const key of ['model', 'modelId', 'provider', 'usage', 'totalUsage', 'costUsd', 'finishReason']) {
    if (metadata[key] !== undefined) out[key] = metadata[key]
  }
  return out
}
