import { gzipSync } from 'node:zlib'
import { encodeWav } from '@tapedeck/player'

/** A session the Studio tests read, as the recorder would have sent it. */
export interface SeededSession {
  id: string
  userId: string
  feature: string
  model: string
  events: WireEvent[]
  /** Audio parts: track, blob, bytes (WAV). */
  audio: Array<{ track: 'input' | 'output'; blobId: string; bytes: Uint8Array<ArrayBuffer> }>
}

interface WireEvent {
  v: 1
  id: string
  sessionId: string
  seq: number
  ts: number
  t: number
  tab: string
  type: string
  data: Record<string, unknown>
  checkpoint?: boolean
}

const DAY = 86_400_000

/** A WAV tone of `ms` at 16 kHz: decodable by any browser, loud enough to show on a waveform. */
function tone(ms: number, hz: number): Uint8Array<ArrayBuffer> {
  const rate = 16_000
  const samples = new Float32Array(Math.round((rate * ms) / 1000))
  for (let i = 0; i < samples.length; i++) samples[i] = 0.6 * Math.sin((2 * Math.PI * hz * i) / rate)
  return encodeWav([samples], rate)
}

function builder(id: string, startedAt: number) {
  const events: WireEvent[] = []
  const add = (t: number, type: string, data: Record<string, unknown>, checkpoint = false) => {
    const seq = events.length
    events.push({ v: 1, id: `e_${id}_${seq}`, sessionId: id, seq, ts: startedAt + t, t, tab: 'tab_1', type, data, ...(checkpoint && { checkpoint }) })
    return seq
  }
  return { events, add }
}

/** One turn: the user's message, the LLM call (usage, cost, latency, TTFT), optionally a tool call, the answer. */
function turn(
  add: ReturnType<typeof builder>['add'],
  at: number,
  n: number,
  options: { model: string; question: string; answer: string; cost: number; latency: number; ttft: number; tool?: { name: string; args: unknown; result?: unknown; error?: string }; fail?: boolean },
): number {
  add(at, 'message.created', { messageId: `u${n}`, role: 'user', content: options.question })
  add(at + 50, 'user.action', { kind: 'click', target: { selector: '#send', label: 'Send' } })
  add(at + 100, 'provider.call.started', {
    callId: `c${n}`,
    provider: options.model.startsWith('claude') ? 'anthropic' : 'openai',
    model: options.model,
    params: { temperature: 0.2, max_tokens: 512 },
    messages: [
      { role: 'system', content: 'You are a helpful support agent. Be brief.' },
      { role: 'user', content: options.question },
    ],
  })
  if (options.fail) {
    add(at + 100 + options.latency, 'provider.call.failed', { callId: `c${n}`, model: options.model, error: { name: 'RateLimitError', message: 'Rate limit reached, retry later' }, latencyMs: options.latency })
    add(at + 200 + options.latency, 'error.raised', { error: { name: 'RateLimitError', message: 'The assistant could not answer' } })
    return at + 300 + options.latency
  }
  let t = at + 100
  if (options.tool) {
    add(t + 200, 'tool.call.started', { toolCallId: `t${n}`, name: options.tool.name, args: options.tool.args })
    add(t + 400, 'tool.call.completed', { toolCallId: `t${n}`, name: options.tool.name, durationMs: 200, ...(options.tool.error ? { error: options.tool.error } : { result: options.tool.result }) })
    t += 400
  }
  const end = t + options.latency
  add(end, 'provider.call.completed', {
    callId: `c${n}`,
    model: options.model,
    response: { text: options.answer },
    usage: { inputTokens: 120 + n * 10, outputTokens: 40 + n * 5 },
    costUsd: options.cost,
    latencyMs: options.latency,
    ttftMs: options.ttft,
    finishReason: 'stop',
  })
  add(end + 20, 'message.created', { messageId: `a${n}`, role: 'assistant', content: options.answer })
  return end + 100
}

/**
 * Six sessions over the last three days: three users, three features, two models, costs from
 * a fraction of a cent to a few cents, errors in two, audio with transcripts in one (with a long
 * silence to skip), a tool argument with a word nothing else has (`zebracrossing`).
 */
export function studioSessions(now = Date.now()): SeededSession[] {
  const sessions: SeededSession[] = []
  const make = (id: string, daysAgo: number, userId: string, feature: string, model: string, fill: (add: ReturnType<typeof builder>['add']) => number, audio: SeededSession['audio'] = []) => {
    const startedAt = now - daysAgo * DAY - 3_600_000
    const b = builder(id, startedAt)
    b.add(0, 'session.started', { userId, feature, app: 'support-demo', tags: ['demo'] }, true)
    const end = fill(b.add)
    b.add(end + 100, 'session.ended', { lastSeq: b.events.length, reason: 'done' })
    sessions.push({ id, userId, feature, model, events: b.events, audio })
  }

  // The voice session: the user speaks (2 s), the assistant answers (1.5 s); then 20 s of nothing; then a last message.
  make(
    's_voice_1',
    0,
    'ada',
    'voice-agent',
    'gpt-4o-mini',
    (add) => {
      add(1000, 'audio.input', { blobId: 'mic1', part: 0, mimeType: 'audio/wav', startT: 1000, durationMs: 2000, bytes: 0 })
      add(3000, 'transcript.segment', { speaker: 'user', text: 'Where is my order A1042?', startT: 1000, endT: 3000, final: true })
      let t = turn(add, 3100, 1, { model: 'gpt-4o-mini', question: 'Where is my order A1042?', answer: 'Your order A1042 ships tomorrow.', cost: 0.0031, latency: 700, ttft: 210, tool: { name: 'lookupOrder', args: { orderId: 'A1042' }, result: { status: 'packed' } } })
      add(t, 'audio.output', { blobId: 'tts1', part: 0, mimeType: 'audio/wav', startT: t, durationMs: 1500, bytes: 0 })
      add(t + 1500, 'transcript.segment', { speaker: 'assistant', text: 'Your order A1042 ships tomorrow.', startT: t, endT: t + 1500, final: true })
      t += 1500 + 20_000
      return turn(add, t, 2, { model: 'gpt-4o-mini', question: 'Thanks, that is all.', answer: 'Happy to help!', cost: 0.0008, latency: 350, ttft: 120 })
    },
    [
      { track: 'input', blobId: 'mic1', bytes: tone(2000, 330) },
      { track: 'output', blobId: 'tts1', bytes: tone(1500, 520) },
    ],
  )
  // First message well after the start: the replay must not open on an empty 0:00.
  make('s_refund_2', 0, 'bo', 'support-chat', 'claude-3-5-haiku', (add) => {
    let t = turn(add, 4000, 1, { model: 'claude-3-5-haiku', question: 'I want a refund for my broken kettle.', answer: 'I am sorry! I have opened refund R-77 for you.', cost: 0.012, latency: 1400, ttft: 380, tool: { name: 'createRefund', args: { item: 'kettle', reason: 'broken' }, result: { refundId: 'R-77' } } })
    t = turn(add, t + 2000, 2, { model: 'claude-3-5-haiku', question: 'How long will it take?', answer: 'Refunds arrive within 5 business days.', cost: 0.009, latency: 1100, ttft: 300 })
    return t
  })
  make('s_route_3', 1, 'chen', 'checkout-help', 'gpt-4o-mini', (add) =>
    turn(add, 500, 1, { model: 'gpt-4o-mini', question: 'Can you deliver to the new address?', answer: 'Yes, I updated the delivery address.', cost: 0.0042, latency: 900, ttft: 260, tool: { name: 'updateAddress', args: { street: 'zebracrossing lane 4' }, result: { ok: true } } }),
  )
  make('s_error_4', 1, 'ada', 'support-chat', 'gpt-4o-mini', (add) => {
    const t = turn(add, 800, 1, { model: 'gpt-4o-mini', question: 'Cancel my subscription please.', answer: '', cost: 0, latency: 2500, ttft: 0, fail: true })
    return turn(add, t + 1000, 2, { model: 'gpt-4o-mini', question: 'Hello? Cancel my subscription.', answer: 'Done: your subscription is cancelled.', cost: 0.0027, latency: 800, ttft: 240, tool: { name: 'cancelSubscription', args: { plan: 'pro' }, error: 'billing service unavailable' } })
  })
  make('s_small_5', 2, 'bo', 'support-chat', 'gpt-4o-mini', (add) => turn(add, 300, 1, { model: 'gpt-4o-mini', question: 'What are your opening hours?', answer: 'We are open 9 to 5, Monday to Friday.', cost: 0.0011, latency: 500, ttft: 150 }))
  make('s_long_6', 2, 'chen', 'voice-agent', 'claude-3-5-haiku', (add) => {
    let t = 200
    for (let n = 1; n <= 6; n++) t = turn(add, t + 500, n, { model: 'claude-3-5-haiku', question: `Question ${n} about my invoice.`, answer: `Answer ${n}: the invoice is correct.`, cost: 0.006, latency: 1000 + n * 100, ttft: 280 + n * 10 })
    return t
  })
  for (const session of sessions) {
    for (const event of session.events) {
      if (event.type === 'audio.input' || event.type === 'audio.output') {
        const part = session.audio.find((a) => a.blobId === event.data.blobId)!
        event.data.bytes = part.bytes.byteLength
      }
    }
  }
  return sessions
}

/** A long support session of about `count` events (turns of eight or so events, a tool call every third turn). */
export function longSession(id: string, count: number, now = Date.now()): SeededSession {
  const b = builder(id, now - 3 * 3_600_000)
  b.add(0, 'session.started', { userId: 'dana', feature: 'support-chat', app: 'support-demo' }, true)
  let t = 500
  for (let n = 1; b.events.length < count - 10; n++) {
    t = turn(b.add, t + 800, n, {
      model: n % 4 === 0 ? 'claude-3-5-haiku' : 'gpt-4o-mini',
      question: `Question ${n}: where is order B${2000 + n}?`,
      answer: `Order B${2000 + n} is on its way.`,
      cost: 0.0004,
      latency: 400 + (n % 7) * 50,
      ttft: 120 + (n % 5) * 10,
      ...(n % 3 === 0 && { tool: { name: 'lookupOrder', args: { orderId: `B${2000 + n}` }, result: { status: 'shipped' } } }),
    })
    if (n % 10 === 0) b.add(t, 'snapshot.created', { snapshotId: `p${n}`, description: `after turn ${n}`, state: { turn: n } }, true)
  }
  b.add(t + 100, 'session.ended', { lastSeq: b.events.length, reason: 'done' })
  return { id, userId: 'dana', feature: 'support-chat', model: 'gpt-4o-mini', events: b.events, audio: [] }
}

/** Sends the sessions through the ingest path (gzip NDJSON batches, then the audio parts), as a recorder does. */
export async function ingestSessions(server: string, ingestKey: string, sessions: readonly SeededSession[], batchSize = 20): Promise<void> {
  for (const session of sessions) {
    for (let i = 0; i < session.events.length; i += batchSize) {
      const batch = session.events.slice(i, i + batchSize)
      const response = await fetch(`${server}/v1/batches`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${ingestKey}`,
          'Content-Type': 'application/x-ndjson',
          'Content-Encoding': 'gzip',
          'Idempotency-Key': `k_${session.id}_${i}`,
          'Tapedeck-Session': session.id,
          'Tapedeck-Seq': `${batch[0]!.seq}-${batch.at(-1)!.seq}`,
        },
        body: gzipSync(batch.map((e) => `${JSON.stringify(e)}\n`).join('')),
      })
      if (!response.ok) throw new Error(`ingest ${session.id}: ${response.status} ${await response.text()}`)
    }
    for (const part of session.audio) {
      const response = await fetch(`${server}/v1/sessions/${session.id}/blobs/${part.blobId}/0`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${ingestKey}`, 'Content-Type': 'audio/wav' },
        body: part.bytes,
      })
      if (!response.ok) throw new Error(`blob ${session.id}/${part.blobId}: ${response.status} ${await response.text()}`)
    }
  }
}
