/**
 * ULIDs (https://github.com/ulid/spec): 26 characters, sortable by time, and monotonic within
 * one generator (ids made in the same millisecond increase), so event ids sort in seq order.
 */
/** Crockford's base 32, as ULIDs use it. */
export const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const TIME_LENGTH = 10
const RANDOM_LENGTH = 16

export type UlidGenerator = (now?: number) => string

export function encodeTime(now: number): string {
  if (!Number.isInteger(now) || now < 0 || now > 2 ** 48 - 1) throw new RangeError(`ULID time out of range: ${now}`)
  let out = ''
  for (let i = TIME_LENGTH - 1, rest = now; i >= 0; i--) {
    const mod = rest % 32
    out = ALPHABET[mod] + out
    rest = (rest - mod) / 32
  }
  return out
}

/** Makes a monotonic ULID generator. `random` fills bytes (injectable for tests). */
export function createUlid(
  random: (bytes: Uint8Array) => void = (bytes) => crypto.getRandomValues(bytes),
): UlidGenerator {
  let lastTime = -1
  let timePart = ''
  const digits = new Uint8Array(RANDOM_LENGTH)

  return (now = Date.now()) => {
    if (now > lastTime) {
      lastTime = now
      timePart = encodeTime(now)
      random(digits)
      for (let i = 0; i < RANDOM_LENGTH; i++) digits[i] = digits[i]! & 31
    } else {
      // Same (or an earlier) millisecond: keep the time and count up, so ids stay increasing.
      let i = RANDOM_LENGTH - 1
      while (i >= 0 && digits[i] === 31) digits[i--] = 0
      if (i < 0) throw new RangeError('ULID random part overflowed within one millisecond')
      digits[i]!++
    }
    let out = timePart
    for (let i = 0; i < RANDOM_LENGTH; i++) out += ALPHABET[digits[i]!]
    return out
  }
}

let shared: UlidGenerator | undefined

/** A new id with a prefix (`msg_`, `call_`, …): a ULID, so ids sort by the time they were made. */
export function createId(prefix: string): string {
  return prefix + (shared ??= createUlid())()
}

/** A short random id with a prefix, for tabs and other page-local names. */
export function randomId(prefix: string, length = 10): string {
  const bytes = new Uint8Array(length)
  crypto.getRandomValues(bytes)
  let out = prefix
  for (const byte of bytes) out += ALPHABET[byte & 31]
  return out
}
