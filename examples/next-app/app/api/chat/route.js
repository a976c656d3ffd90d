import { createOpenAI } from '@ai-sdk/openai'
import { convertToModelMessages, streamText } from 'ai'

// Any AI SDK model. OPENAI_BASE_URL points this one at another OpenAI-compatible server (the
// smoke test uses the repository's mock LLM, e2e/support/mockLlm.ts).
const openai = createOpenAI({ baseURL: process.env.OPENAI_BASE_URL, apiKey: process.env.OPENAI_API_KEY ?? 'none' })
const model = 'gpt-4o-mini'

export async function POST(request) {
  const { messages } = await request.json()
  const result = streamText({ model: openai.chat(model), messages: await convertToModelMessages(messages) })
  return result.toUIMessageStreamResponse({
    originalMessages: messages,
    generateMessageId: () => crypto.randomUUID(), // ids from the server: recorded ids = the UI's ids
    // The model and its token usage, for the recording (docs/instrumentation.md).
    messageMetadata: ({ part }) => {
      if (part.type === 'start') return { model, provider: 'openai' }
      if (part.type === 'finish') return { model, provider: 'openai', usage: part.totalUsage }
    },
  })
}
