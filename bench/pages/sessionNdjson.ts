/**
 * A long recorded session as the recorder exports it (NDJSON, one event a line, the recorder's
 * envelope), for the player figure: an AI chat app, turn after turn — the user clicks send, the
 * messages (the chat text of `chatEvents.ts`), the model call and its usage, a tool call every
 * other turn, a frame-rate sample — about 320 bytes a line.
 *
 * Prices in the chat text are written "EUR 12.34" here instead of "€12.34": a single character
 * beyond Latin-1 makes the whole text a two-byte string, and 1,000,000 events would then take
 * twice the memory for nothing the figure measures.
 */
import { chatEvents } from './chatEvents'
import { seeded } from '../../packages/core/test/seeded.mjs'

const START = 1_763_766_000_000
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

export interface SessionText {
  text: string
  events: number
  sessionId: string
  /** The last event's `t`, ms. */
  durationMs: number
}

export function sessionNdjson(count: number, seed: number): SessionText {
  const rand = seeded(seed)
  const chat = chatEvents(seed)
  const sessionId = `s_${Math.floor(rand() * 2 ** 48).toString(36)}`
  const tab = 't_bench'
  const lines: string[] = new Array(count)
  let t = 0
  let turn = 0
  let message = 0
  let pending: Array<[string, object]> = []
  const ulidRandom = () => {
    let out = ''
    for (let i = 0; i < 16; i++) out += ALPHABET[Math.floor(rand() * 32)]
    return out
  }
  const line = (seq: number, type: string, data: object) => {
    const ts = START + Math.round(t)
    const id = ts.toString(32).toUpperCase().padStart(10, '0') + ulidRandom()
    return `{"v":1,"id":"${id}","sessionId":"${sessionId}","seq":${seq},"ts":${ts},"t":${Math.round(t * 10) / 10},"tab":"${tab}","type":"${type}","data":${JSON.stringify(data)}}`
  }
  const nextTurn = () => {
    const user = chat(message++)
    const answer = chat(message++)
    const callId = `call_${turn}`
    const events: Array<[string, object]> = [
      ['user.action', { kind: 'click', target: { selector: 'button[type=submit]', label: 'Send' } }],
      ['message.created', { ...user, content: user.content.replace(/€/g, 'EUR ') }],
      ['provider.call.started', { callId, provider: 'openai', model: 'gpt-4o-mini', params: { temperature: 0.3 } }],
    ]
    if (turn % 2 === 1) {
      const toolCallId = `tool_${turn}`
      events.push(['tool.call.started', { toolCallId, name: 'lookup_order', args: { orderId: `${1000 + turn}` } }])
      events.push(['tool.call.completed', { toolCallId, name: 'lookup_order', durationMs: 40 + Math.floor(rand() * 200), result: { status: 'shipped' } }])
    }
    const outputTokens = 20 + Math.floor(rand() * 200)
    events.push([
      'provider.call.completed',
      { callId, model: 'gpt-4o-mini', usage: { inputTokens: 300 + turn % 2000, outputTokens }, costUsd: Math.round(outputTokens * 0.6) / 1e6, latencyMs: 400 + Math.floor(rand() * 1500), ttftMs: 150 + Math.floor(rand() * 300), finishReason: 'stop' },
    ])
    events.push(['message.created', { ...answer, content: answer.content.replace(/€/g, 'EUR ') }])
    events.push(['metric.sampled', { name: 'fps', value: 55 + Math.floor(rand() * 6) }])
    turn++
    return events
  }
  lines[0] = line(0, 'session.started', { userId: 'u_bench', feature: 'support-chat', app: { url: 'https://shop.example/help', title: 'Help' }, recorder: { version: '0.1.0' } })
  for (let seq = 1; seq < count - 1; seq++) {
    if (pending.length === 0) pending = nextTurn()
    const [type, data] = pending.shift()!
    // A few seconds between turns, a few hundred ms between the events of one.
    t += pending.length === 0 ? 2000 + rand() * 8000 : 50 + rand() * 400
    lines[seq] = line(seq, type, data)
  }
  t += 1000
  if (count > 1) lines[count - 1] = line(count - 1, 'session.ended', { reason: 'stop', lastSeq: count - 1 })
  return { text: `${lines.join('\n')}\n`, events: count, sessionId, durationMs: Math.round(t * 10) / 10 }
}
