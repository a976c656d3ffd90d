import { expect } from 'vitest'
import { TapedeckError } from '../src/errors'

/** Calls `fn`; returns the code of the TapedeckError it throws (anything else fails the test), or undefined. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(TapedeckError)
    return (error as TapedeckError).code
  }
  return undefined
}
