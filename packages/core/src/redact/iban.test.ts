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

  it('knows every country of the ISO 13616 registry, at its own length only', () => {
    const registry =
      'AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 ' +
      'DK18 DO28 EE20 EG29 ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 ' +
      'IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 ' +
      'MN20 MR27 MT31 MU30 NI28 NL18 NO15 OM23 PK24 PL28 PS29 PT25 QA29 RO24 RS22 RU33 SA24 SC31 ' +
      'SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20'
    /** An IBAN of `length` for `country` with the right check digits: a BBAN of 1s. */
    const iban = (country: string, length: number) => {
      const bban = '1'.repeat(length - 4)
      const digits = [...`${bban}${country}00`].map((c) => parseInt(c, 36)).join('')
      let remainder = 0
      for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97
      return `${country}${String(98 - remainder).padStart(2, '0')}${bban}`
    }
    for (const entry of registry.split(' ')) {
      const country = entry.slice(0, 2)
      const length = Number(entry.slice(2))
      expect(isValidIban(iban(country, length)), entry).toBe(true)
      expect(isValidIban(iban(country, length - 1)), `${entry} less one`).toBe(false)
      expect(isValidIban(iban(country, length + 1)), `${entry} plus one`).toBe(false)
    }
  })
})
