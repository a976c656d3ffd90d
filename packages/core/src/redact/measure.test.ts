import { describe, expect, it } from 'vitest'
import { createRedactor } from './index'
import { seeded } from '../../test/seeded.mjs'

// Cost per event, printed, not asserted (timings depend on the machine). Run with:
//   REDACT_MEASURE=1 npx vitest run --project unit packages/core/src/redact/measure.test.ts

const WORDS = (
  'the team agreed to ship new onboarding flow on friday pending a final review of copy here is ' +
  'short summary meeting notes we should also update docs and tests before release next week thanks'
).split(' ')

type Tail = 'plain' | 'email' | 'numbers'
const TAILS: Record<Tail, (word: () => string, i: number) => string> = {
  plain: () => ' Sure, I can help with that today.',
  email: (word) => ` Write to ${word()}.${word()}@example.com today.`,
  numbers: (_, i) => ` On 2024-08-06 it used ${1000 + i} tokens, cost $0.42 and took 1.5 s.`,
}

/** 1000 different ~300-byte `message.created` events, as JSON.parse gives them. */
function chatEvents(tail: Tail): object[] {
  const random = seeded(1)
  const word = () => WORDS[Math.floor(random() * WORDS.length)]!
  return Array.from({ length: 1000 }, (_, i) =>
    JSON.parse(
      JSON.stringify({
        v: 1,
        id: `01JD3Z8R6W8S1S4Q4N9GJ${String(i).padStart(5, '0')}`,
        sessionId: '01JD3Z8R6W8S1S4Q4N9GJ6X1T2',
        seq: i,
        ts: 1732200000000 + i,
        type: 'message.created',
        data: {
          messageId: `msg_${i}`,
          role: i % 2 ? 'assistant' : 'user',
          content: Array.from({ length: 9 }, word).join(' ') + TAILS[tail](word, i),
          model: 'gpt-4o-2024-08-06',
        },
      }),
    ) as object,
  )
}

/** µs per event over 100,000 events, after 100,000 of warm-up; best of 3 rounds. */
function measure(events: object[], expectedCount: number): number {
  const redactor = createRedactor()
  const run = () => {
    let total = 0
    for (let i = 0; i < 100_000; i++) total += redactor.redact(events[i % events.length]!).count
    return total
  }
  expect(run()).toBe(100_000 * expectedCount) // warm-up, and a check that it redacts what it should
  let best = Infinity
  for (let round = 0; round < 3; round++) {
    const start = performance.now()
    run()
    best = Math.min(best, performance.now() - start)
  }
  return (best * 1000) / 100_000
}

describe.runIf(process.env.REDACT_MEASURE)('redaction cost per event', () => {
  it('prints µs per event', () => {
    const rows = (['plain', 'email', 'numbers'] as const).map((tail) => {
      const events = chatEvents(tail)
      const bytes = events.reduce((sum, e) => sum + JSON.stringify(e).length, 0) / events.length
      const us = measure(events, tail === 'email' ? 1 : 0)
      return `  ${tail.padEnd(8)} ~${Math.round(bytes)} B  ${us.toFixed(3)} µs/event  (${Math.round(1000 / us)}k events/s)`
    })
    console.log(`message.created, 100,000 events after warm-up (best of 3):\n${rows.join('\n')}`)
  })
})
