/**
 * OpenAI Chat Completions (`POST …/chat/completions`), the format most OpenAI-compatible servers
 * speak. A stream is `data: {chat.completion.chunk}` events ending with `data: [DONE]`; the usage
 * arrives in a last chunk with empty `choices` only when the request set
 * `stream_options.include_usage` (we never add it: the request is the app's).
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
  type Raw,
  type ToolCallRecord,
} from './llmApi'

const PARAMS = {
  temperature: 'temperature',
  top_p: 'topP',
  max_tokens: 'maxTokens',
  max_completion_tokens: 'maxTokens',
  n: 'n',
  stop: 'stop',
  seed: 'seed',
  presence_penalty: 'presencePenalty',
  frequency_penalty: 'frequencyPenalty',
  reasoning_effort: 'reasoningEffort',
  parallel_tool_calls: 'parallelToolCalls',
  service_tier: 'serviceTier',
  logprobs: 'logprobs',
  stream: 'stream',
}

export const openaiChat: LlmApiAdapter = {
  api: 'openai.chat',
  usageFormat: 'openai.chat',
  family: 'openai',
  describe(body, url) {
    const params = pickParams(body, PARAMS)
    const tools = toolNames(body.tools)
    if (tools.length > 0) params.tools = tools
    const choice = toolChoice(body.tool_choice)
    if (choice) params.toolChoice = choice
    const format = str(obj(body.response_format)?.type)
    if (format) params.responseFormat = format
    const includeUsage = obj(body.stream_options)?.include_usage
    if (typeof includeUsage === 'boolean') params.includeUsage = includeUsage
    const messages: PromptMessage[] = arr(body.messages).flatMap((item) => {
      const m = obj(item)
      if (!m) return []
      const message: PromptMessage = { role: str(m.role) ?? 'unknown' }
      const content = contentText(m.content)
      if (content !== undefined) message.content = content
      const calls = arr(m.tool_calls).flatMap((call) => {
        const fn = obj(obj(call)?.function)
        return fn ? [{ id: str(obj(call)?.id), name: str(fn.name) ?? '', arguments: parseArguments(fn.arguments) }] : []
      })
      if (calls.length > 0) message.toolCalls = calls
      const toolCallId = str(m.tool_call_id)
      if (toolCallId) message.toolCallId = toolCallId
      const name = str(m.name)
      if (name) message.name = name
      return [message]
    })
    // Azure names the deployment in the path, not the body.
    const model = str(body.model) ?? /\/deployments\/([^/]+)\//.exec(url.pathname)?.[1]
    return { model, stream: body.stream === true, params, messages }
  },
  reader() {
    const outcome = emptyOutcome()
    const calls: Array<{ id?: string; name: string; args: string }> = []
    const finish = () => {
      outcome.toolCalls = calls.filter(Boolean).map((call): ToolCallRecord => ({ id: call.id, name: call.name, arguments: parseArguments(call.args) }))
      return outcome
    }
    const usage = (value: unknown) => {
      const raw = obj(value)
      if (raw) {
        outcome.rawUsage = raw
        outcome.usageFinal = true
      }
    }
    return {
      event(_name, data) {
        const chunk = obj(data)
        if (!chunk) return false
        const error = obj(chunk.error)
        if (error) {
          outcome.error = { name: str(error.type) ?? 'APIError', message: str(error.message) ?? 'Error in stream', code: error.code ?? undefined }
          return false
        }
        outcome.id ??= str(chunk.id)
        outcome.model = str(chunk.model) || outcome.model
        usage(chunk.usage)
        let output = false
        for (const item of arr(chunk.choices)) {
          const choice = obj(item)
          if (!choice || (choice.index !== undefined && choice.index !== 0)) continue // the first choice (n > 1 is rare)
          const delta = obj(choice.delta) ?? {}
          const content = str(delta.content)
          if (content) (outcome.text += content), (output = true)
          const refusal = str(delta.refusal)
          if (refusal) (outcome.refusal += refusal), (output = true)
          // DeepSeek, OpenRouter, vLLM… stream reasoning beside the content.
          const reasoning = str(delta.reasoning_content) ?? str(delta.reasoning)
          if (reasoning) (outcome.reasoning += reasoning), (output = true)
          for (const callItem of arr(delta.tool_calls)) {
            const call = obj(callItem)
            if (!call) continue
            const index = typeof call.index === 'number' ? call.index : calls.length
            const slot = (calls[index] ??= { name: '', args: '' })
            const id = str(call.id)
            if (id) slot.id = id
            const fn = obj(call.function)
            const name = str(fn?.name)
            if (name && !slot.name) slot.name = name
            const args = str(fn?.arguments)
            if (args) slot.args += args
            output = true
          }
          const legacy = obj(delta.function_call)
          if (legacy) {
            const slot = (calls[0] ??= { name: '', args: '' })
            if (str(legacy.name) && !slot.name) slot.name = str(legacy.name)!
            slot.args += str(legacy.arguments) ?? ''
            output = true
          }
          const reason = str(choice.finish_reason)
          if (reason) outcome.finishReason = reason
        }
        return output
      },
      done() {
        outcome.terminal = true
      },
      json(data) {
        const body = obj(data) as Raw | undefined
        if (!body) return
        outcome.terminal = true
        outcome.id = str(body.id)
        outcome.model = str(body.model)
        usage(body.usage)
        const choice = obj(arr(body.choices)[0])
        const message = obj(choice?.message) ?? {}
        outcome.text = str(message.content) ?? ''
        outcome.refusal = str(message.refusal) ?? ''
        outcome.reasoning = str(message.reasoning_content) ?? str(message.reasoning) ?? ''
        outcome.finishReason = str(choice?.finish_reason)
        calls.length = 0
        for (const call of arr(message.tool_calls)) {
          const fn = obj(obj(call)?.function)
          if (fn) calls.push({ id: str(obj(call)?.id), name: str(fn.name) ?? '', args: str(fn.arguments) ?? '' })
        }
      },
      outcome: finish,
    }
  },
}
