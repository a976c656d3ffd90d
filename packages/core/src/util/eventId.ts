import { ALPHABET, encodeTime } from './ulid'

/**
 * The id of an event whose seq the page chose itself (from a seq lease): a ULID whose time part
 * is the event's `ts`, then 40 bits of a hash of its session, then its seq in 40 bits. So every
 * copy of the event — the one the page sends while it closes, the one its worker stores and
 * uploads later — carries the same id without the id crossing from one to the other; unique as
 * long as (session, seq) is, which the lease guarantees; and a session's ids made in the same
 * millisecond still sort in seq order, as the worker's monotonic ULIDs do.
 */
export function eventId(ts: number, sessionId: string, seq: number): string {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = 0; i < sessionId.length; i++) {
    const c = sessionId.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 2654435761)
    h2 = Math.imul(h2 ^ c, 1597334677)
  }
  // cyrb53's mixing: 40 of its bits, as 8 characters.
  h1 = (Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)) >>> 0
  h2 = (Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)) >>> 0
  let out = encodeTime(Math.max(0, Math.floor(ts)))
  for (let i = 0; i < 4; i++) out += ALPHABET[(h1 >>> (i * 5)) & 31]
  for (let i = 0; i < 4; i++) out += ALPHABET[(h2 >>> (i * 5)) & 31]
  // The seq, most significant digit first, so ids of one millisecond sort in seq order.
  for (let i = 7, rest = seq; i >= 0; i--) out += ALPHABET[Math.floor(rest / 32 ** i) % 32]
  return out
}
