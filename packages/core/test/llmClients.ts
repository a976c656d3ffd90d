/**
 * What the fetch instrumentation's browser tests share (instrument/instrumentFetch*.browser.test.ts):
 * the real `openai` and `@anthropic-ai/sdk` clients talking to the mock provider
 * (e2e/support/mockLlm.ts), a recorder with a session, and its provider events read back.
 */
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { afterEach, inject } from 'vitest'
import { closeAll, recorderFor, uniqueDb } from './browser'
import type { Recorder } from '../src/client/types'
import type { TapedeckEvent } from '../src/events/catalogue'
import type { InstrumentedFetch } from '../src/instrument/instrumentFetch'
import { DEFAULT_PRICES } from '../src/instrument/prices'

/** A stored event, its payload read loosely (the assertions check its shape). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Recorded = TapedeckEvent & { data: Record<string, any> }

export const KEY = 'sk-test-SECRET123'
export const ANTHROPIC_KEY = 'sk-ant-test-SECRET456'
export const mock = inject('mockLlm')
/** The mock's URL as stored: the recorder's built-in redaction replaces IP addresses. */
export const storedMock = mock.replace('127.0.0.1', '[ip]')
export const plainFetch = globalThis.fetch.bind(globalThis)

/** After each test of the calling file: the page's own `fetch` back, and every recorder closed. */
export function restoreAfterEach(): void {
  afterEach(async () => {
    globalThis.fetch = plainFetch
    await closeAll()
  })
}

export const ORDER_TOOL = [{ type: 'function' as const, function: { name: 'lookupOrder', parameters: { type: 'object', properties: { orderId: { type: 'string' } } } } }]
/** The mock's reply to a user's text, and the pieces it streams it in. */
export const reply = (text: string) => `You said: "${text}". This is a mock reply.`
export const pieces = (text: string) => text.match(/\S+\s*/g)!

export async function recording(options: Parameters<typeof recorderFor>[1] = {}) {
  const dbName = uniqueDb()
  const recorder = recorderFor(dbName, options)
  const { id } = await recorder.start({ feature: 'instrument-test' })
  return { dbName, recorder, id }
}

export async function eventsOf(recorder: Recorder, id: string, fetch?: { settled(): Promise<void> }): Promise<Recorded[]> {
  await fetch?.settled()
  await recorder.flush()
  return (await recorder.sessions.events(id)).filter((e) => e.type.startsWith('provider.')) as Recorded[]
}

export function openai(fetch: typeof globalThis.fetch | InstrumentedFetch, base: string, options: { maxRetries?: number; apiKey?: string } = {}) {
  return new OpenAI({ apiKey: options.apiKey ?? KEY, baseURL: `${mock}/${base}/v1`, dangerouslyAllowBrowser: true, fetch: fetch as typeof globalThis.fetch, maxRetries: options.maxRetries ?? 0 })
}
export function anthropic(fetch: typeof globalThis.fetch | InstrumentedFetch, base: string) {
  return new Anthropic({ apiKey: ANTHROPIC_KEY, baseURL: `${mock}/${base}`, dangerouslyAllowBrowser: true, fetch: fetch as typeof globalThis.fetch, maxRetries: 0 })
}

export function costOf(model: keyof typeof DEFAULT_PRICES, input: number, output: number, cached = 0) {
  const price = DEFAULT_PRICES[model]!
  return ((input - cached) * price.input + cached * (price.cachedInput ?? price.input) + output * price.output) / 1e6
}
