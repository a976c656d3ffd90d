import type { ServerResponse } from 'node:http'
import type { LanguageModelV3, LanguageModelV3Prompt, LanguageModelV3StreamPart } from '@ai-sdk/provider'
import { convertToModelMessages, jsonSchema, stepCountIs, streamText, tool, type UIMessage } from 'ai'
import { answer } from './mockLlmAnswer'
import { arr, CREATED, hash, sleep, type Json, type Scenario } from './mockLlmScenario'

// — /api/chat: the AI SDK's UI message stream, produced by the AI SDK itself —

function scriptedModel(modelId: string, scenario: Scenario): LanguageModelV3 {
  return {
    specificationVersion: 'v3',
    provider: 'tapedeck-mock',
    modelId,
    supportedUrls: {},
    async doGenerate() {
      throw new Error('The mock model only streams.')
    },
    async doStream(options) {
      const prompt: LanguageModelV3Prompt = options.prompt
      const last = prompt.at(-1)
      const tools = (options.tools ?? []).map((t) => t.name)
      let toolResult: string | undefined
      if (last?.role === 'tool') {
        const result = last.content.find((part) => part.type === 'tool-result')
        if (result?.type === 'tool-result') {
          const output = result.output
          toolResult = output.type === 'text' ? output.value : output.type === 'json' ? JSON.stringify(output.value) : '{}'
        }
      }
      const user = [...prompt].reverse().find((m) => m.role === 'user')
      const userText = user?.role === 'user' ? user.content.map((p) => (p.type === 'text' ? p.text : '')).join('') : ''
      const a = answer({ userText, toolResult, tools }, scenario, JSON.stringify(prompt))
      const parts: LanguageModelV3StreamPart[] = [{ type: 'stream-start', warnings: [] }, { type: 'response-metadata', id: `resp_${hash(JSON.stringify(prompt))}`, modelId, timestamp: new Date(CREATED * 1000) }]
      const delays: number[] = [0, 0]
      let outputs = 0
      const delayed = (part: LanguageModelV3StreamPart) => {
        parts.push(part)
        delays.push(outputs++ === 0 ? scenario.ttftMs : scenario.gapMs)
      }
      const plain = (part: LanguageModelV3StreamPart) => (parts.push(part), delays.push(0))
      if (a.toolCall) {
        const toolCallId = `call_${hash(JSON.stringify(prompt)).slice(0, 8)}`
        delayed({ type: 'tool-input-start', id: toolCallId, toolName: a.toolCall.name }) // the first output
        for (const piece of a.toolCall.pieces) delayed({ type: 'tool-input-delta', id: toolCallId, delta: piece })
        plain({ type: 'tool-input-end', id: toolCallId })
        plain({ type: 'tool-call', toolCallId, toolName: a.toolCall.name, input: a.toolCall.arguments })
      } else {
        plain({ type: 'text-start', id: 'text-0' })
        for (const piece of a.pieces) delayed({ type: 'text-delta', id: 'text-0', delta: piece })
        plain({ type: 'text-end', id: 'text-0' })
      }
      plain({
        type: 'finish',
        finishReason: { unified: a.toolCall ? 'tool-calls' : 'stop', raw: a.toolCall ? 'tool_calls' : 'stop' },
        usage: {
          inputTokens: { total: a.inputTokens, noCache: a.inputTokens - a.cachedTokens, cacheRead: a.cachedTokens, cacheWrite: 0 },
          outputTokens: { total: a.outputTokens, text: a.outputTokens - a.reasoningTokens, reasoning: a.reasoningTokens },
        },
      })
      let index = 0
      const stream = new ReadableStream<LanguageModelV3StreamPart>({
        async pull(controller) {
          if (index >= parts.length) return controller.close()
          await sleep(delays[index] ?? 0)
          controller.enqueue(parts[index++]!)
        },
      })
      return { stream }
    },
  }
}

export async function aiSdkChat(res: ServerResponse, body: Json, scenario: Scenario): Promise<void> {
  const messages = arr(body.messages) as UIMessage[]
  const modelId = scenario.model ?? 'gpt-4o-mini'
  const lookupOrder = scenario.clientTool
    ? tool({ description: 'Look up an order by id', inputSchema: jsonSchema<{ orderId: string }>({ type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] }) })
    : tool({
        description: 'Look up an order by id',
        inputSchema: jsonSchema<{ orderId: string }>({ type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] }),
        execute: async ({ orderId }) => ({ orderId, status: 'shipped', eta: 'Thursday' }),
      })
  const result = streamText({
    model: scriptedModel(modelId, scenario),
    messages: await convertToModelMessages(messages),
    tools: { lookupOrder },
    stopWhen: stepCountIs(3),
  })
  // The server helper docs/instrumentation.md documents: `{ model, usage }` in the message metadata.
  const response = result.toUIMessageStreamResponse({
    originalMessages: messages,
    // Ids from the server, so the client's message ids (and a recording's) are the server's.
    generateMessageId: () => `msg_${hash(JSON.stringify(messages))}`,
    messageMetadata: ({ part }) => {
      if (part.type === 'start') return { model: modelId, provider: 'openai' }
      if (part.type === 'finish') return { model: modelId, provider: 'openai', usage: part.totalUsage }
      return undefined
    },
  })
  await sleep(scenario.headersMs)
  const headers: Record<string, string> = {}
  response.headers.forEach((value, key) => (headers[key] = value))
  res.writeHead(response.status, headers)
  res.flushHeaders()
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let deltas = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    const text = decoder.decode(value, { stream: true })
    deltas += (text.match(/"type":"text-delta"/g) ?? []).length
    res.write(value)
    if (scenario.cut !== undefined && deltas >= scenario.cut) {
      await reader.cancel()
      await sleep(20)
      res.socket?.end()
      return
    }
  }
  res.end()
}
