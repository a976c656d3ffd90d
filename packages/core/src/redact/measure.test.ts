import { describe, expect, it } from 'vitest'
import { createRedactor } from './index'

// Cost per event, printed, not asserted (timings vary by machine). Run with:
//   REDACT_MEASURE=1 npx vitest run --project unit packages/core/src/redact/measure.test.ts

const WORDS = (
  'the team agreed to ship new onboarding flow on friday pending a final review of copy here is ' +
  'short summary meeting notes we should also update docs and tests before release next week thanks'
).split(' ')

/** ~300-byte `message.created` events, all different, optionally with an email in the content. */
function chatEvents(n: number, withEmail: boolean): object[] {
  let seed = 1
  const word = () => WORDS[(seed = (seed * 1103515245 + 12345) % 2147483648) % WORDS.length]!
  return Array.from({ length: n }, (_, i) => ({
    v: 1,
    id: `01JD3Z8R6W8S1S4Q4N9GJ${String(i).padStart(5, '0')}`,
    sessionId: '01JD3Z8R6W8S1S4Q4N9GJ6X1T2',
    seq: i,
    ts: 1732200000000 + i,
    t: i * 12.5,
    type: 'message.created',
    data: {
      messageId: `msg_${i}`,
      role: i % 2 ? 'assistant' : 'user',
      content:
        Array.from({ length: 12 }, word).join(' ') +
        (withEmail ? ` Write to jane.doe${i}@example.com today.` : ' Sure, I can help with that today.'),
      model: 'gpt-4o-2024-08-06',
    },
  }))
}

function measure(events: object[], expectedCount: number): number {
  const redactor = createRedactor()
  const redact = (value: object) => redactor.redact(value)
  const run = (iterations: number) => {
    let total = 0
    for (let i = 0; i < iterations; i++) total += redact(events[i % events.length]!).count
    return total
  }
  expect(run(100_000)).toBe(100_000 * expectedCount) // warm-up, and a check that it redacts
  const start = performance.now()
  run(100_000)
  return ((performance.now() - start) * 1000) / 100_000
}

describe.runIf(process.env.REDACT_MEASURE)('redaction cost per event', () => {
  it('prints µs per event for a chat event without and with PII', () => {
    const plain = chatEvents(1000, false)
    const withEmail = chatEvents(1000, true)
    const bytes = plain.reduce((sum, e) => sum + JSON.stringify(e).length, 0) / plain.length
    const a = measure(plain, 0)
    const b = measure(withEmail, 1)
    console.log(
      `~${Math.round(bytes)}-byte message.created, 100,000 events after warm-up:\n` +
        `  (a) no PII:    ${a.toFixed(3)} µs/event (${Math.round(1 / a)}M events/s)\n` +
        `  (b) one email: ${b.toFixed(3)} µs/event`,
    )
  })
})
