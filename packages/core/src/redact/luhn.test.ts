import { describe, expect, it } from 'vitest'
import { isLuhnValid } from './luhn'

describe('isLuhnValid', () => {
  it.each([
    '4111111111111111', // Visa
    '5555555555554444', // Mastercard
    '2223003122003222', // Mastercard 2-series
    '378282246310005', // Amex, 15 digits
    '6011111111111117', // Discover
    '4222222222222', // 13 digits
    '6011000000000000001', // 19 digits
    '79927398713', // the textbook example
  ])('accepts %s', (digits) => {
    expect(isLuhnValid(digits)).toBe(true)
  })

  it.each(['4111111111111112', '4111111111111121', '5555555555554440', '79927398710'])('rejects %s', (digits) => {
    expect(isLuhnValid(digits)).toBe(false)
  })

  it('skips spaces and dashes', () => {
    expect(isLuhnValid('4111 1111 1111 1111')).toBe(true)
    expect(isLuhnValid('4111-1111-1111-1111')).toBe(true)
    expect(isLuhnValid('4111 1111 1111 1112')).toBe(false)
  })

  it('doubles every second digit from the right, whatever the length', () => {
    // Same digits, one more leading zero: the parity from the right must not change.
    expect(isLuhnValid('0079927398713')).toBe(true)
    // 18 → 1+8 = 9: the digit sum of a doubled digit above 9.
    expect(isLuhnValid('91')).toBe(true)
    expect(isLuhnValid('90')).toBe(false)
  })

  it('rejects text without digits', () => {
    expect(isLuhnValid('')).toBe(false)
    expect(isLuhnValid(' - ')).toBe(false)
  })
})
