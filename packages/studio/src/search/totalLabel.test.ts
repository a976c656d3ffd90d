import { expect, it } from 'vitest'
import { totalLabel } from './totalLabel'

it('says a capped total is a lower bound, in sessions and in pages', () => {
  expect(totalLabel(10_000, true, 50)).toEqual({ sessions: '10,000+ sessions', pages: '200+' })
  expect(totalLabel(1000, true, 50)).toEqual({ sessions: '1,000+ sessions', pages: '20+' })
  expect(totalLabel(2345, undefined, 50)).toEqual({ sessions: '2,345 sessions', pages: '47' })
  expect(totalLabel(1, false, 50)).toEqual({ sessions: '1 session', pages: '1' })
  expect(totalLabel(0, false, 50)).toEqual({ sessions: '0 sessions', pages: '1' })
})
