import { encodeTime } from './ulid'

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/**
 * The id of an event whose seq the page chose itself (from a seq lease): a ULID whose time part
 * is the event's `ts` and whose 80 other bits are a hash of its session and seq. So every copy of
 * the event — the one the page sends while it closes, the one its worker stores and uploads
 * later — carries the same id, without the id crossing from one to the other. Unique as long as
 * (session, seq) is, which the lease guarantees; sortable by time like any ULID.
 */
export function eventId(ts: number, sessionId: string, seq: number): string {
  const key = `${sessionId}:${seq}`
  let out = encodeTime(Math.max(0, Math.floor(ts)))
  for (let seed = 0; seed < 2; seed++) {
    // Two 32-bit halves per seed (cyrb53's mixing): 128 bits, of which 80 are used.
    let h1 = 0xdeadbeef ^ seed
    let h2 = 0x41c6ce57 ^ seed
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i)
      h1 = Math.imul(h1 ^ c, 2654435761)
      h2 = Math.imul(h2 ^ c, 1597334677)
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
    // 8 characters of 5 bits from 40 of the 64 bits.
    for (const h of [h1 >>> 0, h2 >>> 0]) {
      for (let i = 0; i < 4; i++) out += ALPHABET[(h >>> (i * 5)) & 31]
    }
  }
  return out
}
