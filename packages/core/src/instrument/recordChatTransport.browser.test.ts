/**
 * The AI SDK transport wrapper in a real Chromium: the real `Chat` (what `useChat` runs) and the
 * real `useChat` hook, over `DefaultChatTransport`, against the mock's `/api/chat` — which is
 * the AI SDK's own `streamText(…).toUIMessageStreamResponse({ messageMetadata })`.
 */
import type { UIMessage } from 'ai'
import { afterEach, describe, expect, inject, test } from 'vitest'
import { closeAll, rawStoredText, recorderFor, uniqueDb, waitFor } from '../../test/browser'
import type { Recorder } from '../client/types'
import type { TapedeckEvent } from '../events/catalogue'

/** A stored event, its payload read loosely (the assertions check its shape). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Recorded = TapedeckEvent & { data: Record<string, any> }
import { DEFAULT_PRICES } from './prices'
import { CHAT_STATUS_EVENT, recordChatTransport } from './recordChatTransport'

const mock = inject('mockLlm')

// The real AI SDK and React, as an app's bundler builds them for the browser (see test/llmSetup.ts).
type AiSdk = Pick<typeof import('@ai-sdk/react'), 'Chat' | 'useChat'> &
  Pick<typeof import('ai'), 'DefaultChatTransport' | 'lastAssistantMessageIsCompleteWithToolCalls'> &
  Pick<typeof import('react'), 'createElement' | 'useEffect'> &
  Pick<typeof import('react-dom/client'), 'createRoot'>
const { Chat, useChat, DefaultChatTransport, lastAssistantMessageIsCompleteWithToolCalls, createElement, useEffect, createRoot } = (await import(
  /* @vite-ignore */ inject('aiSdkBundle')
)) as AiSdk

afterEach(closeAll)

async function recording() {
  const dbName = uniqueDb()
  const recorder = recorderFor(dbName)
  const { id } = await recorder.start({ feature: 'chat-test' })
  return { dbName, recorder, id }
}

async function eventsOf(recorder: Recorder, id: string): Promise<Recorded[]> {
  await recorder.flush()
  return (await recorder.sessions.events(id)).filter((e) => !e.type.startsWith('session.')) as Recorded[]
}

const transportTo = (base: string) => new DefaultChatTransport<UIMessage>({ api: `${mock}/${base}/api/chat` })
const statuses = (events: Recorded[]) => events.filter((e) => e.type === CHAT_STATUS_EVENT).map((e) => e.data.status)

describe('recordChatTransport with the AI SDK Chat', () => {
  test('a turn with a server-side tool: user message, statuses, tool start/end, the assistant message, model and usage from metadata', async () => {
    const { recorder, id } = await recording()
    const chat = new Chat<UIMessage>({ transport: recordChatTransport(recorder, transportTo('ttft=120/gap=10')) })
    await chat.sendMessage({ text: 'Where is my order A1042?' })
    expect(chat.status).toBe('ready')
    const [user, assistant] = chat.messages
    const events = await eventsOf(recorder, id)
    expect(events.map((e) => e.type)).toEqual([
      'message.created',
      CHAT_STATUS_EVENT,
      CHAT_STATUS_EVENT,
      'tool.call.started',
      'tool.call.completed',
      'message.created',
      'provider.call.completed',
      CHAT_STATUS_EVENT,
    ])
    expect(statuses(events)).toEqual(['submitted', 'streaming', 'ready'])
    expect(events[0]!.data).toEqual({ messageId: user!.id, role: 'user', chatId: chat.id, content: 'Where is my order A1042?', parts: [{ type: 'text', text: 'Where is my order A1042?' }] })

    const toolPart = assistant!.parts.find((p) => p.type === 'tool-lookupOrder') as { toolCallId: string; output: unknown; state: string }
    expect(toolPart.state).toBe('output-available')
    expect(events[3]!.data).toMatchObject({ toolCallId: toolPart.toolCallId, name: 'lookupOrder', args: { orderId: 'A1042' }, messageId: assistant!.id })
    expect(events[4]!.data).toMatchObject({ toolCallId: toolPart.toolCallId, name: 'lookupOrder', result: toolPart.output, executedBy: 'server' })
    expect(events[4]!.data.durationMs).toEqual(expect.any(Number))

    const text = assistant!.parts.filter((p) => p.type === 'text').map((p) => (p as { text: string }).text).join('')
    expect(text).toBe('Order A1042 is shipped, arriving Thursday.')
    expect(events[5]!.data).toMatchObject({
      messageId: assistant!.id,
      role: 'assistant',
      content: text,
      finishReason: 'stop',
      parts: [{ type: 'tool', name: 'lookupOrder', state: 'output-available', input: { orderId: 'A1042' } }, { type: 'text', text }],
      metadata: assistant!.metadata as object,
    })
    const metadata = assistant!.metadata as { model: string; usage: { inputTokens: number; outputTokens: number } }
    const price = DEFAULT_PRICES['gpt-4o-mini']!
    expect(events[6]!.data).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o-mini',
      source: 'ai-sdk.messageMetadata',
      usage: { inputTokens: metadata.usage.inputTokens, outputTokens: metadata.usage.outputTokens, cachedTokens: 0, reasoningTokens: 0 },
      costSource: 'computed',
      finishReason: 'stop',
    })
    expect(events[6]!.data.costUsd).toBeCloseTo((metadata.usage.inputTokens * price.input + metadata.usage.outputTokens * price.output) / 1e6, 12)
    const { ttftMs, latencyMs } = events[6]!.data as { ttftMs: number; latencyMs: number; headersMs: number }
    expect(ttftMs).toBeGreaterThanOrEqual(115)
    expect(ttftMs).toBeLessThanOrEqual(latencyMs)
    expect(await recorder.sessions.get(id)).toMatchObject({ counters: { calls: 1, toolCalls: 1, inputTokens: metadata.usage.inputTokens } })
  })

  test('a client-side tool: started from the stream, completed when the app adds its output, and the next turn', async () => {
    const { recorder, id } = await recording()
    const chat: InstanceType<typeof Chat<UIMessage>> = new Chat<UIMessage>({
      transport: recordChatTransport(recorder, transportTo('clientTool=1')),
      sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithToolCalls,
      onToolCall: ({ toolCall }) => {
        setTimeout(() => void chat.addToolOutput({ tool: 'lookupOrder', toolCallId: toolCall.toolCallId, output: { orderId: 'B2', status: 'delayed' } }), 60)
      },
    })
    await chat.sendMessage({ text: 'Where is order B2077?' })
    await waitFor(() => chat.status === 'ready' && chat.messages.at(-1)!.parts.some((p) => p.type === 'text'), Boolean)
    const events = await eventsOf(recorder, id)
    const started = events.find((e) => e.type === 'tool.call.started')!
    const completed = events.find((e) => e.type === 'tool.call.completed')!
    expect(started.data).toMatchObject({ name: 'lookupOrder', args: { orderId: 'B2077' } })
    expect(completed.data).toMatchObject({ toolCallId: started.data.toolCallId, name: 'lookupOrder', result: { orderId: 'B2', status: 'delayed' }, executedBy: 'client' })
    expect(completed.data.durationMs).toBeGreaterThanOrEqual(50)
    expect(events.filter((e) => e.type === 'message.created').map((e) => e.data.role)).toEqual(['user', 'assistant', 'assistant'])
    expect(events.filter((e) => e.type === 'message.created').at(-1)!.data.content).toBe('Order B2 is delayed.')
    expect(statuses(events)).toEqual(['submitted', 'streaming', 'ready', 'submitted', 'streaming', 'ready'])
  })

  test('stop() mid-stream: the partial assistant message, finish reason aborted, status ready', async () => {
    const { recorder, id } = await recording()
    const chat = new Chat<UIMessage>({ transport: recordChatTransport(recorder, transportTo('gap=80/reply=one two three four five six seven eight nine ten')) })
    const sending = chat.sendMessage({ text: 'count' })
    await waitFor(() => chat.messages.at(-1)?.parts.some((p) => p.type === 'text' && (p as { text: string }).text.includes('two')), Boolean)
    await chat.stop()
    await sending
    const events = await eventsOf(recorder, id)
    const assistant = events.filter((e) => e.type === 'message.created').at(-1)!
    expect(assistant.data).toMatchObject({ role: 'assistant', finishReason: 'aborted' })
    const content = assistant.data.content as string
    expect('one two three four five six seven eight nine ten'.startsWith(content)).toBe(true)
    expect(content.length).toBeLessThan('one two three four five six seven eight nine ten'.length)
    expect(events.filter((e) => e.type === CHAT_STATUS_EVENT).at(-1)!.data).toMatchObject({ status: 'ready', reason: 'abort' })
  })

  test('a server error: error.raised and status error; the Chat shows its error as usual', async () => {
    const { recorder, id } = await recording()
    const chat = new Chat<UIMessage>({ transport: recordChatTransport(recorder, transportTo('status=500')) })
    await chat.sendMessage({ text: 'hello?' })
    expect(chat.status).toBe('error')
    const events = await eventsOf(recorder, id)
    expect(events.map((e) => e.type)).toEqual(['message.created', CHAT_STATUS_EVENT, 'error.raised', CHAT_STATUS_EVENT])
    expect(events[2]!.data).toMatchObject({ source: 'ai-sdk', chatId: chat.id, message: chat.error!.message })
    expect(events[3]!.data).toMatchObject({ status: 'error' })
  })

  test("capture 'metadata': ids, states, tool names, tokens and cost; no text, no tool input or output", async () => {
    const { dbName, recorder, id } = await recording()
    const chat = new Chat<UIMessage>({ transport: recordChatTransport(recorder, transportTo('x=1'), { capture: 'metadata' }) })
    await chat.sendMessage({ text: 'Where is my order Q7777?' })
    const events = await eventsOf(recorder, id)
    const assistant = events.filter((e) => e.type === 'message.created').at(-1)!
    expect(assistant.data).toMatchObject({ role: 'assistant', parts: [{ type: 'tool', name: 'lookupOrder', state: 'output-available' }, { type: 'text' }] })
    expect(assistant.data).not.toHaveProperty('content')
    expect(events.find((e) => e.type === 'provider.call.completed')!.data).toMatchObject({ usage: { inputTokens: expect.any(Number) }, costSource: 'computed' })
    const stored = await rawStoredText(dbName)
    for (const secret of ['Q7777', 'Where is my order', 'shipped']) expect(stored).not.toContain(secret)
  })

  test('the wrapped transport is the same kind of object and the stream the Chat reads is unchanged', async () => {
    const { recorder } = await recording()
    const plain = new Chat<UIMessage>({ id: 'same', transport: transportTo('gap=3'), generateId: () => 'fixed-user-id' })
    const recorded = new Chat<UIMessage>({ id: 'same', transport: recordChatTransport(recorder, transportTo('gap=3')), generateId: () => 'fixed-user-id' })
    await plain.sendMessage({ text: 'Where is my order A1042?' })
    await recorded.sendMessage({ text: 'Where is my order A1042?' })
    expect(recorded.messages).toEqual(plain.messages)
    const wrapped = recordChatTransport(recorder, transportTo('x=1'))
    expect(wrapped).toBeInstanceOf(DefaultChatTransport)
    expect(wrapped.tapedeckStats).toMatchObject({ errors: 0 })
  })
})

describe('recordChatTransport with the useChat hook', () => {
  test('a React app sending through useChat is recorded', async () => {
    const { recorder, id } = await recording()
    const transport = recordChatTransport(recorder, transportTo('gap=5'))
    const container = document.createElement('div')
    document.body.append(container)
    const root = createRoot(container)
    function App() {
      const { messages, sendMessage, status } = useChat({ transport })
      useEffect(() => {
        void sendMessage({ text: 'Hi from React' })
      }, [sendMessage])
      return createElement(
        'div',
        { 'data-status': status },
        messages.map((m) => createElement('p', { key: m.id }, m.parts.map((p) => (p.type === 'text' ? p.text : '')).join(''))),
      )
    }
    root.render(createElement(App))
    await waitFor(() => container.querySelector('[data-status="ready"] p:nth-of-type(2)')?.textContent, (text) => text === 'You said: "Hi from React". This is a mock reply.')
    root.unmount()
    container.remove()
    const events = await eventsOf(recorder, id)
    const messages = events.filter((e) => e.type === 'message.created')
    expect(messages.map((e) => [e.data.role, e.data.content])).toEqual([
      ['user', 'Hi from React'],
      ['assistant', 'You said: "Hi from React". This is a mock reply.'],
    ])
    expect(statuses(events)).toEqual(['submitted', 'streaming', 'ready'])
  })
})
