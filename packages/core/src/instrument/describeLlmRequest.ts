import { anthropicMessages } from './anthropicMessages'
import { detectLlmApi, type LlmApi, type LlmApiAdapter, type RequestDescription } from './llmApi'
import { openaiChat } from './openaiChat'
import { openaiResponses } from './openaiResponses'

export const LLM_ADAPTERS: Record<LlmApi, LlmApiAdapter> = {
  'openai.chat': openaiChat,
  'openai.responses': openaiResponses,
  'anthropic.messages': anthropicMessages,
}

/**
 * What the fetch instrumentation reads from an LLM request body — the API, the model, whether it
 * streams, the parameters and the prompt in one shape across providers — or undefined when the
 * URL is not an LLM API it knows. The player matches replayed requests with the same reading.
 */
export function describeLlmRequest(url: URL | string, body: Record<string, unknown>): (RequestDescription & { api: LlmApi }) | undefined {
  const parsed = typeof url === 'string' ? new URL(url, 'http://localhost') : url
  const api = detectLlmApi(parsed)
  return api && { api, ...LLM_ADAPTERS[api].describe(body, parsed) }
}
