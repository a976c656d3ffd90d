import express from 'express'
import type { AddressInfo } from 'node:net'
import OpenAI from 'openai'
import { createNodeRecorder, tapedeckExpress, type NodeRecorder } from '@tapedeck/node'

export interface NodeBackend {
  url: string
  tapedeck: NodeRecorder
  close(): Promise<void>
}

/**
 * An app's own small backend: Express, the real OpenAI SDK against the mock LLM, and
 * @tapedeck/node recording its calls into the browser session named by Tapedeck-Session.
 */
export async function startNodeBackend({ endpoint, llm, pageOrigin }: { endpoint: string; llm: string; pageOrigin: string }): Promise<NodeBackend> {
  const tapedeck = createNodeRecorder({ endpoint, service: 'e2e-backend', capture: 'full', flushIntervalMs: 20 })
  const openai = new OpenAI({ apiKey: 'sk-backend-e2e', baseURL: `${llm}/v1`, fetch: tapedeck.fetch, maxRetries: 0 })
  const app = express()
  app.use((request, response, next) => {
    response.setHeader('Access-Control-Allow-Origin', pageOrigin)
    response.setHeader('Access-Control-Allow-Headers', 'Content-Type, Tapedeck-Session, traceparent')
    if (request.method === 'OPTIONS') response.status(204).end()
    else next()
  })
  app.use(express.json())
  app.use(tapedeckExpress(tapedeck))
  app.post('/api/answer', async (request, response) => {
    const { question } = request.body as { question: string }
    const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: question }], stream: true, stream_options: { include_usage: true } })
    let text = ''
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? ''
    response.json({ text })
  })
  const http = app.listen(0, '127.0.0.1')
  await new Promise<void>((resolve) => http.once('listening', resolve))
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    tapedeck,
    async close() {
      await tapedeck.close()
      await new Promise<void>((resolve) => http.close(() => resolve()))
    },
  }
}
