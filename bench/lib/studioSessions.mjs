// The Studio API bench's sessions (bench/studioApi.mjs): made from one seeded generator, so every
// run seeds the same database and asks the same questions of it. The generator is shared by
// everything here in the order the bench calls it: sessions, then the list filters it picks.
import { seeded } from '../../packages/core/test/seeded.mjs'

export const DAY = 86_400_000
// mulberry32, not an LCG: an LCG's low bits would tie the words a session holds to its start time.
const random = seeded(42)
export const pick = (list) => list[Math.floor(random() * list.length)]
/** A word of a 4,000-word vocabulary, Zipf-like: word i has weight 1/(i+1). */
export const VOCABULARY = Array.from({ length: 4000 }, (_, i) => `w${i.toString(36)}x`)
const CUMULATIVE = (() => {
  let sum = 0
  return VOCABULARY.map((_, i) => (sum += 1 / (i + 1)))
})()
function word() {
  const target = random() * CUMULATIVE.at(-1)
  let lo = 0
  let hi = CUMULATIVE.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (CUMULATIVE[mid] < target) lo = mid + 1
    else hi = mid
  }
  return VOCABULARY[lo]
}
const sentence = (n) => Array.from({ length: n }, word).join(' ')
export const FEATURES = ['chat', 'voice', 'search', 'support', 'onboarding']
export const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-3-5-sonnet', 'gemini-1.5-pro', 'llama-3-70b']
export const TAGS = ['vip', 'beta', 'mobile', 'eu', 'trial']
export const NOW = Date.UTC(2026, 11, 1)

export function makeSession(index) {
  const id = `s_${index.toString(36).padStart(6, '0')}`
  const startedAt = NOW - Math.floor(random() * 90 * DAY)
  const events = []
  const add = (type, data) => events.push({ v: 1, id: `e_${id}_${events.length}`, sessionId: id, seq: events.length, ts: startedAt + events.length * 1500, t: events.length * 1500, tab: 't_1', type, data })
  add('session.started', {
    userId: `u_${Math.floor(random() * 5000)}`,
    feature: pick(FEATURES),
    agentId: `ag_${Math.floor(random() * 20)}`,
    tags: TAGS.filter(() => random() < 0.2),
    ...(random() < 0.1 && { label: pick(['gold', 'silver']) }),
  })
  const model = pick(MODELS)
  for (let turn = 0; turn < 3; turn++) {
    const prompt = sentence(8 + Math.floor(random() * 20))
    add('message.created', { messageId: `m${turn}u`, role: 'user', content: prompt })
    add('provider.call.started', { callId: `c${turn}`, provider: 'openai', model, messages: [{ role: 'user', content: prompt }] })
    const answer = sentence(15 + Math.floor(random() * 40))
    add('provider.call.completed', {
      callId: `c${turn}`,
      model,
      response: { text: answer },
      usage: { inputTokens: 200 + Math.floor(random() * 800), outputTokens: 50 + Math.floor(random() * 400), cachedTokens: Math.floor(random() * 100), reasoningTokens: 0 },
      costUsd: Math.round(random() * 1e6) / 1e8,
      latencyMs: 200 + Math.floor(random() * 3000),
      ttftMs: 50 + Math.floor(random() * 700),
    })
    add('message.created', { messageId: `m${turn}a`, role: 'assistant', content: answer })
  }
  add('tool.call.started', { toolCallId: 't1', name: pick(['lookupOrder', 'searchDocs', 'refund']), args: { query: sentence(3), orderId: `O${Math.floor(random() * 1e6)}` } })
  add('tool.call.completed', { toolCallId: 't1', name: 'lookupOrder', result: { ok: true }, durationMs: 120 })
  add('transcript.segment', { speaker: 'user', text: sentence(10), startT: 0, endT: 2000, final: true })
  add('transcript.segment', { speaker: 'agent', text: sentence(10), startT: 2000, endT: 4000, final: true })
  if (random() < 0.2) add('audio.input', { blobId: 'b1', part: 0, mimeType: 'audio/webm', startT: 0, durationMs: 5000 + Math.floor(random() * 60_000), bytes: 1000 })
  else add('metric.sampled', { name: 'fps', value: 60, unit: 'fps' })
  if (random() < 0.05) add('error.raised', { message: `failed ${word()}` })
  else add('user.action', { kind: 'click', target: 'button.send' })
  add('session.ended', { lastSeq: events.length, reason: 'done' })
  return events
}

/** A session of `count` events: turns of a message, a call (started, completed) and an answer, words from the vocabulary. */
export function longSession(id, count) {
  const events = []
  const add = (type, data) => events.push({ v: 1, id: `e_${id}_${events.length}`, sessionId: id, seq: events.length, ts: NOW - DAY + events.length * 400, t: events.length * 400, tab: 't_1', type, data })
  add('session.started', { userId: 'u_long', feature: 'chat', agentId: 'ag_1', tags: [] })
  for (let turn = 0; events.length < count - 5; turn++) {
    add('message.created', { messageId: `m${turn}u`, role: 'user', content: sentence(12) })
    add('provider.call.started', { callId: `c${turn}`, provider: 'openai', model: MODELS[turn % MODELS.length] })
    add('provider.call.completed', { callId: `c${turn}`, model: MODELS[turn % MODELS.length], response: { text: sentence(20) }, usage: { inputTokens: 300, outputTokens: 120 }, costUsd: 0.001, latencyMs: 900, ttftMs: 200 })
    add('message.created', { messageId: `m${turn}a`, role: 'assistant', content: sentence(20) })
  }
  add('session.ended', { lastSeq: events.length, reason: 'done' })
  return events
}
