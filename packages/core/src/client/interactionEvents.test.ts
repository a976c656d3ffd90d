import { expect, test } from 'vitest'
import { interactionEvents } from './interactionEvents'
import type { Interaction } from './types'

test('an interaction without tokens has no usage member, not a null one', () => {
  for (const tokens of [undefined, null]) {
    const [, completed] = interactionEvents({ model: 'm', tokens } as unknown as Interaction, 'c1')
    expect(JSON.parse(JSON.stringify(completed[1]))).toEqual({ callId: 'c1', model: 'm', provider: 'unknown' })
  }
  const [, completed] = interactionEvents({ model: 'm', tokens: { input: 3, output: 4 } }, 'c2')
  expect(completed[1]).toMatchObject({ usage: { inputTokens: 3, outputTokens: 4 } })
})
