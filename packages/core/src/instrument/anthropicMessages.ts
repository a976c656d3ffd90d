/**
 * Anthropic Messages (`POST …/v1/messages`). A stream is named SSE events: `message_start`
 * (the message with empty content and the input usage), per content block
 * `content_block_start` / `content_block_delta` (`text_delta`, `input_json_delta`,
 * `thinking_delta`) / `content_block_stop`, then `message_delta` (stop reason and the cumulative
 * usage), `message_stop`; `ping` any time; `error` for an overloaded or failed stream.
 */
import {
  arr,
  contentText,
  emptyOutcome,
  obj,
  parseArguments,
  pickParams,
  str,
  toolChoice,
  toolNames,
  type LlmApiAdapter,
  type PromptMessage,
  type ToolCallRecord,
} from './llmApi'

const PARAMS = {
  temperature: 'temperature',
  top_p: 'topP',
  top_k: 'topK',
  max_tokens: 'maxTokens',
  stop_sequences: 'stop',
  service_tier: 'serviceTier',
  stream: 'stream',
}

interface Block {
  type: string
  text: string
  id?: string
  name?: string
  json: string
  input?: unknown
}

export const anthropicMessages: LlmApiAdapter = {
  api: 'anthropic.messages',
  usageFormat: 'anthropic.messages',
  family: 'anthropic',
  describe(body) {
    const params = pickParams(body, PARAMS)
    const tools = toolNames(body.tools)
    if (tools.length > 0) params.tools = tools
    const choice = toolChoice(body.tool_choice)
    if (choice) params.toolChoice = choice
    const thinking = obj(body.thinking)
    if (thinking && typeof thinking.budget_tokens === 'number') params.thinkingBudget = thinking.budget_tokens
    const messages: PromptMessage[] = []
    const system = contentText(body.system)
    if (system) messages.push({ role: 'system', content: system })
    for (const item of arr(body.messages)) {
      const m = obj(item)
      if (!m) continue
      const message: PromptMessage = { role: str(m.role) ?? 'unknown' }
      const blocks = Array.isArray(m.content) ? m.content : []
      const calls: ToolCallRecord[] = []
      const results: PromptMessage[] = []
      const rest: unknown[] = []
      for (const block of blocks) {
        const b = obj(block)
        if (b?.type === 'tool_use') calls.push({ id: str(b.id), name: str(b.name) ?? '', arguments: b.input })
        else if (b?.type === 'tool_result') results.push({ role: 'tool', toolCallId: str(b.tool_use_id), content: contentText(b.content) ?? '' })
        else rest.push(block)
      }
      // A user turn holding tool results becomes one `tool` message per result, as in the other formats.
      messages.push(...results)
      if (typeof m.content === 'string' || rest.length > 0 || calls.length > 0 || results.length === 0) {
        const content = typeof m.content === 'string' ? m.content : contentText(rest)
        if (content !== undefined && (content !== '' || calls.length === 0)) message.content = content
        if (calls.length > 0) message.toolCalls = calls
        messages.push(message)
      }
    }
    return { model: str(body.model), stream: body.stream === true, params, messages }
  },
  reader() {
    const outcome = emptyOutcome()
    const blocks: Block[] = []
    const mergeUsage = (usage: unknown) => {
      const u = obj(usage)
      if (!u) return
      const merged = { ...(outcome.rawUsage ?? {}) }
      for (const [key, value] of Object.entries(u)) if (value !== null && value !== undefined) merged[key] = value
      outcome.rawUsage = merged
    }
    return {
      event(name, data) {
        const e = obj(data)
        if (!e) return false
        switch (str(e.type) ?? name) {
          case 'message_start': {
            const message = obj(e.message)
            outcome.id = str(message?.id)
            outcome.model = str(message?.model)
            mergeUsage(message?.usage) // input tokens; output_tokens here is a placeholder
            return false
          }
          case 'content_block_start': {
            const block = obj(e.content_block)
            const index = typeof e.index === 'number' ? e.index : blocks.length
            const type = str(block?.type) ?? 'unknown'
            blocks[index] = { type, text: str(block?.text) ?? str(block?.thinking) ?? '', id: str(block?.id), name: str(block?.name), json: '' }
            return type === 'tool_use' || (blocks[index]!.text !== '')
          }
          case 'content_block_delta': {
            const index = typeof e.index === 'number' ? e.index : blocks.length - 1
            const block = (blocks[index] ??= { type: 'text', text: '', json: '' })
            const delta = obj(e.delta)
            switch (delta?.type) {
              case 'text_delta':
                block.text += str(delta.text) ?? ''
                return true
              case 'input_json_delta':
                block.json += str(delta.partial_json) ?? ''
                return true
              case 'thinking_delta':
                block.text += str(delta.thinking) ?? ''
                return true
              default:
                return false
            }
          }
          case 'message_delta': {
            const reason = str(obj(e.delta)?.stop_reason)
            if (reason) outcome.finishReason = reason
            mergeUsage(e.usage)
            if (obj(e.usage)) outcome.usageFinal = true
            return false
          }
          case 'message_stop':
            outcome.terminal = true
            return false
          case 'error': {
            const error = obj(e.error)
            outcome.error = { name: str(error?.type) ?? 'APIError', message: str(error?.message) ?? 'Error in stream' }
            return false
          }
          default:
            return false
        }
      },
      done() {
        outcome.terminal = true
      },
      json(data) {
        const body = obj(data)
        if (!body) return
        outcome.terminal = true
        outcome.id = str(body.id)
        outcome.model = str(body.model)
        outcome.finishReason = str(body.stop_reason)
        mergeUsage(body.usage)
        outcome.usageFinal = obj(body.usage) !== undefined
        blocks.length = 0
        for (const item of arr(body.content)) {
          const b = obj(item)
          if (!b) continue
          blocks.push({ type: str(b.type) ?? 'unknown', text: str(b.text) ?? str(b.thinking) ?? '', id: str(b.id), name: str(b.name), json: '', input: b.input })
        }
      },
      outcome() {
        const present = blocks.filter(Boolean)
        outcome.text = present.filter((b) => b.type === 'text').map((b) => b.text).join('')
        outcome.reasoning = present.filter((b) => b.type === 'thinking').map((b) => b.text).join('')
        outcome.toolCalls = present
          .filter((b) => b.type === 'tool_use' || b.type === 'server_tool_use')
          .map((b) => ({ id: b.id, name: b.name ?? '', arguments: b.input !== undefined ? b.input : parseArguments(b.json) }))
        return outcome
      },
    }
  },
}
