/**
 * Whether the digits in `text` pass the Luhn checksum used by payment card numbers.
 * Anything that is not a digit (spaces, dashes) is skipped, so `4111 1111 1111 1111` works.
 */
export function isLuhnValid(text: string): boolean {
  let sum = 0
  let digits = 0
  for (let i = text.length - 1; i >= 0; i--) {
    let digit = text.charCodeAt(i) - 48
    if (digit < 0 || digit > 9) continue
    if (digits % 2 === 1) {
      digit *= 2
      if (digit > 9) digit -= 9
    }
    sum += digit
    digits++
  }
  return digits > 0 && sum % 10 === 0
}
