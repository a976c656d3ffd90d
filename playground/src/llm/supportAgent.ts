import OpenAI from 'openai'
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions'
import type { Recorder } from '@tapedeck/react'
import { lookupOrder, lookupOrderTool } from './lookupOrder'

export const MODEL = 'gpt-4o-mini'
export const SYSTEM = 'You are the support assistant of a small shop. Be brief. Use lookupOrder for questions about an order.'
/** A model that never stops asking for tools must not loop forever. */
const MAX_STEPS = 4

export interface TurnEvents {
  /** More of the assistant's answer arrived. */
  onText(delta: string): void
  /** The model asked for a tool; `result` is set once it ran. */
  onTool(call: { id: string; name: string; args: unknown; result?: unknown }): void
}

export interface SupportAgent {
  /** Sends the user's message and streams the answer; resolves to the final text. */
  send(text: string, events: TurnEvents, signal?: AbortSignal): Promise<string>
  /** The conversation so far, as the model sees it. */
  readonly history: readonly ChatCompletionMessageParam[]
  /** Gives a fresh agent the text of an earlier conversation (after a reload); ignored once it has one. */
  restore(messages: ReadonlyArray<{ role: 'user' | 'assistant'; content: string }>): boolean
}

/**
 * The chat loop of the playground: OpenAI Chat Completions, streamed (with usage), with one tool.
 * Calls go through `fetch`, the recording fetch of `@tapedeck/core/instrument`, so each call is a
 * `provider.call.*` pair with tokens, cost and time to first token; the tool runs here, in the
 * page, and is recorded as `tool.call.started` / `tool.call.completed` under the id the model gave.
 */
export interface SupportAgentOptions {
  baseURL: string
  fetch: typeof globalThis.fetch
  recorder: Pick<Recorder, 'record'>
  /** The system prompt; default `SYSTEM`. (A replay test edits it to see what changes.) */
  system?: string
  /** Runs the model's tool calls; default the pretend order database. (A replay gives the recorded results.) */
  runTool?: (name: string, args: unknown) => Promise<unknown>
}

export function createSupportAgent(options: SupportAgentOptions): SupportAgent {
  const client = new OpenAI({
    baseURL: options.baseURL,
    apiKey: 'sk-playground-mock', // the mock ignores it; Tapedeck never records it
    dangerouslyAllowBrowser: true,
    fetch: options.fetch,
    maxRetries: 0,
  })
  const history: ChatCompletionMessageParam[] = [{ role: 'system', content: options.system ?? SYSTEM }]
  const execute = options.runTool ?? defaultTool

  async function send(text: string, events: TurnEvents, signal?: AbortSignal): Promise<string> {
    history.push({ role: 'user', content: text })
    for (let step = 0; step < MAX_STEPS; step++) {
      const stream = await client.chat.completions.create(
        { model: MODEL, messages: history, tools: [lookupOrderTool], stream: true, stream_options: { include_usage: true }, temperature: 0.2 },
        { signal },
      )
      let answer = ''
      const calls: Array<{ id: string; name: string; arguments: string }> = []
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta
        if (delta?.content) {
          answer += delta.content
          events.onText(delta.content)
        }
        for (const call of delta?.tool_calls ?? []) {
          const slot = (calls[call.index] ??= { id: '', name: '', arguments: '' })
          if (call.id) slot.id = call.id
          if (call.function?.name) slot.name += call.function.name
          if (call.function?.arguments) slot.arguments += call.function.arguments
        }
      }
      if (calls.length === 0) {
        history.push({ role: 'assistant', content: answer })
        return answer
      }
      history.push({
        role: 'assistant',
        content: answer || null,
        tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })),
      })
      for (const call of calls) {
        const result = await runTool(options.recorder, execute, call, events)
        history.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(result) })
      }
    }
    throw new Error(`The model still wanted tools after ${MAX_STEPS} steps.`)
  }

  function restore(messages: ReadonlyArray<{ role: 'user' | 'assistant'; content: string }>): boolean {
    if (history.length > 1) return false
    for (const { role, content } of messages) history.push({ role, content })
    return true
  }

  return { send, history, restore }
}

async function defaultTool(name: string, args: unknown): Promise<unknown> {
  if (name !== 'lookupOrder') throw new Error(`No tool named ${name}`)
  return lookupOrder(args as { orderId: string })
}

async function runTool(
  recorder: Pick<Recorder, 'record'>,
  execute: (name: string, args: unknown) => Promise<unknown>,
  call: { id: string; name: string; arguments: string },
  events: TurnEvents,
): Promise<unknown> {
  const args = parseArgs(call.arguments)
  events.onTool({ id: call.id, name: call.name, args })
  recorder.record('tool.call.started', { toolCallId: call.id, name: call.name, args })
  const started = performance.now()
  let result: unknown
  try {
    result = await execute(call.name, args)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    recorder.record('tool.call.completed', { toolCallId: call.id, name: call.name, error: { message }, durationMs: performance.now() - started })
    return { error: message }
  }
  recorder.record('tool.call.completed', { toolCallId: call.id, name: call.name, result, durationMs: performance.now() - started })
  events.onTool({ id: call.id, name: call.name, args, result })
  return result
}

function parseArgs(text: string): unknown {
  try {
    return JSON.parse(text || '{}')
  } catch {
    return { raw: text }
  }
}
