/**
 * OpenAI Responses (`POST …/v1/responses`). A stream is typed semantic events (`event:` names
 * equal to the JSON `type`): `response.created`, `response.output_item.added`,
 * `response.output_text.delta`, `response.function_call_arguments.delta`, … and one terminal
 * `response.completed` / `response.incomplete` / `response.failed` carrying the whole
 * `Response` with its usage. There is no `[DONE]`.
 */
import type { CallOutcome, PromptMessage, Raw, ToolCallRecord } from './llmApi'
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
} from './llmApi'

const PARAMS = {
  temperature: 'temperature',
  top_p: 'topP',
  max_output_tokens: 'maxTokens',
  parallel_tool_calls: 'parallelToolCalls',
  service_tier: 'serviceTier',
  previous_response_id: 'previousResponseId',
  store: 'store',
  stream: 'stream',
}

function inputMessages(body: Raw): PromptMessage[] {
  const messages: PromptMessage[] = []
  const instructions = str(body.instructions)
  if (instructions) messages.push({ role: 'system', content: instructions })
  if (typeof body.input === 'string') return [...messages, { role: 'user', content: body.input }]
  for (const item of arr(body.input)) {
    const m = obj(item)
    if (!m) continue
    if (m.type === 'function_call') {
      messages.push({ role: 'assistant', toolCalls: [{ id: str(m.call_id), name: str(m.name) ?? '', arguments: parseArguments(m.arguments) }] })
    } else if (m.type === 'function_call_output') {
      messages.push({ role: 'tool', toolCallId: str(m.call_id), content: contentText(m.output) ?? '' })
    } else if (typeof m.role === 'string') {
      messages.push({ role: m.role, content: contentText(m.content) ?? '' })
    } else if (typeof m.type === 'string') {
      messages.push({ role: 'item', content: `[${m.type}]` })
    }
  }
  return messages
}

/** Reads the final `Response` object: text, tool calls, usage, status. */
function readResponse(outcome: CallOutcome, response: Raw): ToolCallRecord[] | undefined {
  outcome.id = str(response.id) ?? outcome.id
  outcome.model = str(response.model) || outcome.model
  const usage = obj(response.usage)
  if (usage) {
    outcome.rawUsage = usage
    outcome.usageFinal = true
  }
  const status = str(response.status)
  if (status === 'incomplete') outcome.finishReason = str(obj(response.incomplete_details)?.reason) ?? 'incomplete'
  else if (status && status !== 'in_progress' && status !== 'queued') outcome.finishReason = status
  const error = obj(response.error)
  if (error) outcome.error = { name: str(error.code) ?? 'ResponseFailed', message: str(error.message) ?? 'The response failed' }
  const output = arr(response.output)
  if (output.length === 0) return undefined
  let text = ''
  let refusal = ''
  let reasoning = ''
  const calls: ToolCallRecord[] = []
  for (const item of output) {
    const o = obj(item)
    if (!o) continue
    if (o.type === 'message') {
      for (const part of arr(o.content)) {
        const p = obj(part)
        if (p?.type === 'output_text') text += str(p.text) ?? ''
        else if (p?.type === 'refusal') refusal += str(p.refusal) ?? ''
      }
    } else if (o.type === 'function_call') {
      calls.push({ id: str(o.call_id), name: str(o.name) ?? '', arguments: parseArguments(o.arguments) })
    } else if (o.type === 'reasoning') {
      for (const part of arr(o.summary)) reasoning += str(obj(part)?.text) ?? ''
    }
  }
  outcome.text = text
  outcome.refusal = refusal
  if (reasoning) outcome.reasoning = reasoning
  return calls
}

export const openaiResponses: LlmApiAdapter = {
  api: 'openai.responses',
  usageFormat: 'openai.responses',
  family: 'openai',
  describe(body) {
    const params = pickParams(body, PARAMS)
    const tools = toolNames(body.tools)
    if (tools.length > 0) params.tools = tools
    const choice = toolChoice(body.tool_choice)
    if (choice) params.toolChoice = choice
    const effort = str(obj(body.reasoning)?.effort)
    if (effort) params.reasoningEffort = effort
    const format = str(obj(obj(body.text)?.format)?.type)
    if (format) params.responseFormat = format
    return { model: str(body.model), stream: body.stream === true, params, messages: inputMessages(body) }
  },
  reader() {
    const outcome = emptyOutcome()
    // Function calls by item id, in output order.
    const calls = new Map<string, { id?: string; name: string; args: string }>()
    let final: ToolCallRecord[] | undefined
    return {
      event(name, data) {
        const e = obj(data)
        if (!e) return false
        const type = str(e.type) ?? name
        switch (type) {
          case 'response.created':
          case 'response.in_progress':
          case 'response.queued': {
            const response = obj(e.response)
            outcome.id = str(response?.id) ?? outcome.id
            outcome.model = str(response?.model) || outcome.model
            return false
          }
          case 'response.output_text.delta':
            outcome.text += str(e.delta) ?? ''
            return true
          case 'response.refusal.delta':
            outcome.refusal += str(e.delta) ?? ''
            return true
          case 'response.reasoning_summary_text.delta':
          case 'response.reasoning_text.delta':
            outcome.reasoning += str(e.delta) ?? ''
            return true
          case 'response.output_item.added': {
            const item = obj(e.item)
            if (item?.type !== 'function_call') return false
            calls.set(str(item.id) ?? String(e.output_index), { id: str(item.call_id), name: str(item.name) ?? '', args: str(item.arguments) ?? '' })
            return true
          }
          case 'response.function_call_arguments.delta': {
            const call = calls.get(str(e.item_id) ?? '')
            if (call) call.args += str(e.delta) ?? ''
            return true
          }
          case 'response.function_call_arguments.done': {
            const call = calls.get(str(e.item_id) ?? '')
            if (call && typeof e.arguments === 'string') call.args = e.arguments
            return false
          }
          case 'response.completed':
          case 'response.incomplete':
          case 'response.failed': {
            outcome.terminal = true
            const response = obj(e.response)
            if (response) final = readResponse(outcome, response)
            if (type === 'response.failed' && !outcome.error) outcome.error = { name: 'ResponseFailed', message: 'The response failed' }
            return false
          }
          case 'error':
            outcome.error = { name: str(e.code) ?? 'APIError', message: str(e.message) ?? 'Error in stream' }
            return false
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
        final = readResponse(outcome, body)
      },
      outcome() {
        outcome.toolCalls =
          final ?? [...calls.values()].map((call) => ({ id: call.id, name: call.name, arguments: parseArguments(call.args) }))
        return outcome
      },
    }
  },
}
