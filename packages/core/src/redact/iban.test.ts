import { describe, expect, it } from 'vitest'
import { isValidIban } from './iban'

describe('isValidIban', () => {
  it.each([
    'DE89370400440532013000',
    'GB82WEST12345698765432',
    'NL91ABNA0417164300',
    'FR1420041010050500013M02606',
    'BE68539007547034',
    'NO9386011117947', // the shortest (15)
    'MT84MALT011000012345MTLCAST001S', // letters inside, 31
    'LC55HEMM000100010012001200023015', // 32
  ])('accepts %s', (iban) => {
    expect(isValidIban(iban)).toBe(true)
  })

  it('accepts the printed form with spaces', () => {
    expect(isValidIban('DE89 3704 0044 0532 0130 00')).toBe(true)
    expect(isValidIban('GB82 WEST 1234 5698 7654 32')).toBe(true)
  })

  it('rejects a wrong check (mod 97 ≠ 1)', () => {
    expect(isValidIban('DE88370400440532013000')).toBe(false) // check digits off by one
    expect(isValidIban('DE89370400440532013001')).toBe(false) // last digit changed
    expect(isValidIban('GB82WEST12345698765423')).toBe(false) // two digits swapped
  })

  it("rejects a length other than the country's", () => {
    expect(isValidIban('DE8937040044053201300')).toBe(false)
    expect(isValidIban('DE893704004405320130000')).toBe(false)
  })

  it('rejects unknown countries, lower case and stray characters', () => {
    expect(isValidIban('XX89370400440532013000')).toBe(false)
    expect(isValidIban('de89370400440532013000')).toBe(false)
    expect(isValidIban('DE8937040044-532013000')).toBe(false)
    expect(isValidIban('')).toBe(false)
  })
})
