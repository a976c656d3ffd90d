// IBAN length by country (ISO 13616 registry), as each length followed by its countries:
// `15NO16BE18DKFI…` is NO 15, BE 16, DK 18, FI 18… A wrong length fails before the checksum.
const LENGTHS = new Map<string, number>()
for (const [, length, countries] of (
  '15NO16BE18DKFIFKFOGLNLSD19MKSI20ATBAEEKZLTLUMNXK21CHHRLILV22BGBHCRDEGBGEIEMERSVA23AEGIILIQOMSOTL' +
  '24ADCZESMDPKROSASESKTNVG25LYPTST26ISTR27BIDJFRGRITMCMRSM28ALAZBYCYDOGTHULBNIPLSV29BREGPSQAUA30JOKWMU31MTSC32LC33RU'
).matchAll(/(\d+)(\D+)/g)) {
  for (let i = 0; i < countries!.length; i += 2) LENGTHS.set(countries!.slice(i, i + 2), Number(length))
}

const SHAPE = /^[A-Z]{2}\d{2}[A-Z0-9]+$/

/**
 * Whether `text` is a valid IBAN: known country, that country's length, and the ISO 7064
 * mod-97 checksum. Spaces (the printed form, `DE89 3704 …`) are ignored; letters must be upper case.
 */
export function isValidIban(text: string): boolean {
  const iban = text.replaceAll(' ', '')
  if (LENGTHS.get(iban.slice(0, 2)) !== iban.length || !SHAPE.test(iban)) return false
  // Move the country code and check digits to the end, read letters as 10..35, take mod 97.
  const rearranged = iban.slice(4) + iban.slice(0, 4)
  let remainder = 0
  for (let i = 0; i < rearranged.length; i++) {
    const code = rearranged.charCodeAt(i)
    remainder = code <= 57 ? (remainder * 10 + code - 48) % 97 : (remainder * 100 + code - 55) % 97
  }
  return remainder === 1
}
