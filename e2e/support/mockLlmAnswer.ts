import { arr, obj, str, textOf, type Api, type Json, type Scenario } from './mockLlmScenario'

// The mock LLM's side of the conversation (e2e/support/mockLlm.ts): what the request says, and
// the answer it gets — a tool call when the user asks about an order, a reply describing a tool's result.

// — the conversation the mock plays —

export interface Conversation {
  userText: string
  /** The last message is a tool result: its content. */
  toolResult?: string
  tools: string[]
}

export function conversation(api: Exclude<Api, 'ai-sdk.chat'>, body: Json): Conversation {
  const tools = arr(body.tools).flatMap((t) => {
    const name = str(obj(obj(t)?.function)?.name) ?? str(obj(t)?.name)
    return name ? [name] : []
  })
  let userText = ''
  let toolResult: string | undefined
  if (api === 'openai.chat') {
    const messages = arr(body.messages).map(obj)
    const last = messages.at(-1)
    if (last?.role === 'tool') toolResult = textOf(last.content)
    userText = textOf([...messages].reverse().find((m) => m?.role === 'user')?.content)
  } else if (api === 'openai.responses') {
    if (typeof body.input === 'string') userText = body.input
    const items = arr(body.input).map(obj)
    const last = items.at(-1)
    if (last?.type === 'function_call_output') toolResult = textOf(last.output)
    userText ||= textOf([...items].reverse().find((m) => m?.role === 'user')?.content)
  } else {
    const messages = arr(body.messages).map(obj)
    const last = messages.at(-1)
    const result = arr(last?.content).map(obj).find((block) => block?.type === 'tool_result')
    if (last?.role === 'user' && result) toolResult = textOf(result.content)
    for (const m of [...messages].reverse()) {
      if (m?.role !== 'user') continue
      const text = textOf(m.content)
      if (text) {
        userText = text
        break
      }
    }
  }
  return { userText, toolResult, tools }
}

const ORDER_ID = /\b([A-Z]{1,4}-?\d{3,})\b/

export interface Answer {
  text: string
  pieces: string[]
  toolCall?: { name: string; arguments: string; pieces: string[] }
  inputTokens: number
  outputTokens: number
  cachedTokens: number
  reasoningTokens: number
}

function replyText(conv: Conversation, scenario: Scenario): string {
  if (scenario.reply !== undefined) return scenario.reply
  if (conv.toolResult !== undefined) {
    try {
      const result = JSON.parse(conv.toolResult) as Json
      if (typeof result.status === 'string') {
        return `Order ${String(result.orderId ?? '')} is ${result.status}${result.eta ? `, arriving ${String(result.eta)}` : ''}.`
      }
    } catch {
      // not JSON: quote it
    }
    return `The tool said: ${conv.toolResult.slice(0, 200)}`
  }
  return `You said: "${conv.userText.slice(0, 120)}". This is a mock reply.`
}

export function answer(conv: Conversation, scenario: Scenario, promptText: string): Answer {
  const wantsTool =
    scenario.tool === false
      ? undefined
      : typeof scenario.tool === 'string'
        ? scenario.tool
        : conv.tools.length > 0 && conv.toolResult === undefined && (scenario.tool === true || /\border\b/i.test(conv.userText) || ORDER_ID.test(conv.userText))
          ? conv.tools[0]
          : undefined
  const inputTokens = Math.max(1, Math.ceil(promptText.length / 4))
  const cachedTokens = Math.min(scenario.cached ?? 0, inputTokens)
  const reasoningTokens = scenario.reasoning ?? 0
  if (wantsTool) {
    const args = JSON.stringify({ orderId: ORDER_ID.exec(conv.userText)?.[1] ?? 'A1042' })
    const pieces = args.match(/.{1,6}/gs) ?? [args]
    return { text: '', pieces: [], toolCall: { name: wantsTool, arguments: args, pieces }, inputTokens, outputTokens: pieces.length + 4 + reasoningTokens, cachedTokens, reasoningTokens }
  }
  const text = replyText(conv, scenario)
  const pieces = text.match(/\S+\s*/g) ?? [text]
  return { text, pieces, inputTokens, outputTokens: pieces.length + reasoningTokens, cachedTokens, reasoningTokens }
}
