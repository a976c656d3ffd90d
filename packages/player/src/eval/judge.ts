import type { JsonObject, TapedeckEvent } from '@tapedeck/core'
import { createInstrumentedFetch, type PriceTable } from '@tapedeck/core/instrument'
import { playerError } from '../playerError'
import { recordedCalls } from '../replay/recordedCalls'
import type { Check, CheckContext, CheckOutcome } from './Check'
import { renderConversation } from './renderConversation'

type FetchFunction = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>

export interface JudgeScale {
  min: number
  max: number
  /** The lowest score that passes. */
  pass: number
}

export interface JudgeOptions {
  /** What the judge looks for, in plain words ("The assistant answers the question asked, politely."). */
  criteria: string
  /** The judge's model id. */
  model: string
  /** An OpenAI-compatible API's base URL: `{endpoint}/chat/completions` is called. */
  endpoint: string
  /** Default 1–5, passing from 4. */
  scale?: JudgeScale
  /** The check's name. Default `judge`. */
  name?: string
  /** Sent as `Authorization: Bearer …` (never recorded). */
  apiKey?: string | (() => string | Promise<string>)
  headers?: Record<string, string>
  /** Default `globalThis.fetch`. */
  fetch?: FetchFunction
  /** Default 0. */
  temperature?: number
  /** Names the prompt; default a hash of the prompt template, criteria and scale (`judge-1:…`). */
  promptVersion?: string
  /** How the conversation is written for the judge. Default `renderConversation`. */
  render?(context: CheckContext): string
  /** Prices for the judge's cost, merged over core's table (USD per million tokens). */
  prices?: PriceTable
}

/** What a judge's verdict carries besides its score: the reason, and its own call. */
export interface JudgeDetails {
  score: number | null
  scale: JudgeScale
  reason: string | null
  criteria: string
  promptVersion: string
  judge: {
    model: string
    endpoint: string
    /** The judge's call as core's instrumentation recorded it (in an event list of its own). */
    call: { callId: string; model?: string; status: string; usage?: unknown; costUsd?: number; latencyMs?: number } | null
  }
  error?: string
}

const TEMPLATE_VERSION = 'judge-1'

function systemPrompt(criteria: string, scale: JudgeScale): string {
  return [
    'You evaluate a recorded conversation between a user and an AI assistant.',
    `Criteria: ${criteria}`,
    `Give a score from ${scale.min} (worst) to ${scale.max} (best) for how well the conversation meets the criteria.`,
    'Answer with JSON only: {"score": <number>, "reason": "<one sentence>"}',
  ].join('\n')
}

/** FNV-1a, 32 bits, hex: a short stable name for a prompt. */
function hash(text: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0).toString(16).padStart(8, '0')
}

/** A score and a reason from the judge's text: JSON first, else `score: n` / a lone number. */
export function parseVerdict(text: string): { score: number | null; reason: string | null } {
  const object = /\{[\s\S]*\}/.exec(text)
  if (object) {
    try {
      const parsed = JSON.parse(object[0]) as Record<string, unknown>
      const score = typeof parsed.score === 'number' ? parsed.score : typeof parsed.score === 'string' ? Number(parsed.score) : NaN
      if (Number.isFinite(score)) return { score, reason: typeof parsed.reason === 'string' ? parsed.reason : null }
    } catch {
      // not JSON after all: read it as text
    }
  }
  const labelled = /score\s*[:=]?\s*(-?\d+(?:\.\d+)?)/i.exec(text) ?? /^\s*(-?\d+(?:\.\d+)?)\b/.exec(text)
  if (!labelled) return { score: null, reason: null }
  const reason = /reason\s*[:=]\s*(.+)/i.exec(text)?.[1]?.trim() ?? null
  return { score: Number(labelled[1]), reason }
}

function publicEndpoint(endpoint: string): string {
  try {
    const url = new URL(endpoint)
    url.username = ''
    url.password = ''
    url.search = ''
    return url.href
  } catch {
    return endpoint
  }
}

/**
 * An LLM judge as a check: sends the conversation and the criteria to an OpenAI-compatible chat
 * endpoint, reads back a score and a reason, and passes at `scale.pass` or above. The judge's own
 * call is recorded by core's fetch instrumentation into an event list of its own — model, tokens,
 * cost, latency land in the result's `details.judge.call`, with the prompt version — and never
 * into the recording judged, which is only read. A judge that cannot answer (HTTP error, no
 * score in its text) fails with `details.error`.
 */
export function judge(options: JudgeOptions): Check {
  if (typeof options.criteria !== 'string' || options.criteria.trim() === '') throw playerError('invalid_options', 'A judge needs criteria.')
  if (typeof options.model !== 'string' || options.model === '') throw playerError('invalid_options', 'A judge needs a model.')
  const scale = options.scale ?? { min: 1, max: 5, pass: 4 }
  if (!(scale.min < scale.max) || scale.pass < scale.min || scale.pass > scale.max) throw playerError('invalid_options', 'A judge scale needs min < max and min <= pass <= max.')
  const system = systemPrompt(options.criteria, scale)
  const promptVersion = options.promptVersion ?? `${TEMPLATE_VERSION}:${hash(system)}`
  const url = `${options.endpoint.replace(/\/+$/, '')}/chat/completions`
  const render = options.render ?? renderConversation

  return {
    name: options.name ?? 'judge',
    async run(context): Promise<CheckOutcome> {
      const events: TapedeckEvent[] = []
      const sink = {
        record(type: string, data: unknown) {
          events.push({ v: 1, id: `judge-${events.length}`, sessionId: 'judge', seq: events.length, ts: Date.now(), t: 0, tab: 'judge', type: type as TapedeckEvent['type'], data: data as JsonObject })
        },
      }
      const instrumented = createInstrumentedFetch(sink as never, { fetch: options.fetch ?? globalThis.fetch.bind(globalThis), ...(options.prices && { prices: options.prices }) })
      const key = typeof options.apiKey === 'function' ? await options.apiKey() : options.apiKey
      const details: JudgeDetails = { score: null, scale, reason: null, criteria: options.criteria, promptVersion, judge: { model: options.model, endpoint: publicEndpoint(options.endpoint), call: null } }
      let text = ''
      try {
        const response = await instrumented(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...options.headers, ...(key && { authorization: `Bearer ${key}` }) },
          body: JSON.stringify({ model: options.model, temperature: options.temperature ?? 0, messages: [{ role: 'system', content: system }, { role: 'user', content: render(context) }] }),
          ...(context.signal && { signal: context.signal }),
        })
        const body = (await response.json().catch(() => null)) as { choices?: Array<{ message?: { content?: string } }>; error?: { message?: string } } | null
        if (!response.ok) details.error = `The judge answered ${response.status}: ${body?.error?.message ?? response.statusText}`
        else text = body?.choices?.[0]?.message?.content ?? ''
      } catch (error) {
        if (context.signal?.aborted) throw error
        details.error = `The judge could not be reached: ${error instanceof Error ? error.message : String(error)}`
      }
      await instrumented.settled()
      const call = recordedCalls(events)[0]
      if (call) {
        details.judge.call = { callId: call.callId, status: call.status }
        if (call.model !== undefined) details.judge.call.model = call.model
        if (call.usage !== undefined) details.judge.call.usage = call.usage
        if (call.costUsd !== undefined) details.judge.call.costUsd = call.costUsd
        if (call.latencyMs !== undefined) details.judge.call.latencyMs = call.latencyMs
      }
      if (details.error === undefined) {
        const verdict = parseVerdict(text)
        details.score = verdict.score
        details.reason = verdict.reason
        if (verdict.score === null) details.error = `The judge gave no score: ${JSON.stringify(text.slice(0, 200))}`
      }
      const score = details.score
      if (score === null) return { passed: false, score: 0, details }
      const clamped = Math.min(scale.max, Math.max(scale.min, score))
      return { passed: score >= scale.pass, score: (clamped - scale.min) / (scale.max - scale.min), details }
    },
  }
}
