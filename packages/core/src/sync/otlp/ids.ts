/**
 * Trace and span ids derived from what a batch already holds, so the same session always gets
 * the same trace id and the same call the same span id: across batches, resends and reloads.
 * A span sent in one batch can name a parent (the session's root span) that only a later batch
 * carries, and a batch sent twice describes the same spans twice instead of new ones.
 *
 * The hash is FNV-1a (http://www.isthe.com/chongo/tech/comp/fnv/) over the UTF-8 bytes, at 128
 * bits for trace ids and 64 bits for span ids: synchronous, a few lines, no crypto.subtle.
 * These ids are names, not secrets: anyone who knows a session id can compute its trace id.
 */
const encoder = new TextEncoder()

const FNV_64 = { offset: 0xcbf29ce484222325n, prime: 0x100000001b3n, mask: (1n << 64n) - 1n }
const FNV_128 = {
  offset: 0x6c62272e07bb014262b821756295c58dn,
  prime: 0x0000000001000000000000000000013bn,
  mask: (1n << 128n) - 1n,
}

function fnv1a(input: string, { offset, prime, mask }: typeof FNV_64): bigint {
  let hash = offset
  for (const byte of encoder.encode(input)) hash = ((hash ^ BigInt(byte)) * prime) & mask
  return hash
}

export function fnv1a64(input: string): bigint {
  return fnv1a(input, FNV_64)
}

export function fnv1a128(input: string): bigint {
  return fnv1a(input, FNV_128)
}

/** Lowercase hex, zero-padded; an all-zero id is invalid in OTLP, so 0 becomes 1. */
function toHex(value: bigint, chars: number): string {
  return (value === 0n ? 1n : value).toString(16).padStart(chars, '0')
}

/** 32 hex chars: the trace that holds every span of one session. */
export function traceIdOf(sessionId: string): string {
  return toHex(fnv1a128(sessionId), 32)
}

/** 16 hex chars: the session's root span, parent of every other span. */
export function rootSpanIdOf(sessionId: string): string {
  return toHex(fnv1a64(sessionId), 16)
}

// The parts are joined with NUL and prefixed with a kind, so a call and a tool call with the
// same id (or ids that only differ in where the separator falls) never share a span id.
function childSpanId(sessionId: string, kind: string, key: string): string {
  return toHex(fnv1a64(`${sessionId}\u0000${kind}\u0000${key}`), 16)
}

/** The span of one provider call (`callId`), completed or failed. */
export function callSpanIdOf(sessionId: string, callId: string): string {
  return childSpanId(sessionId, 'call', callId)
}

/** The span of one tool call (`toolCallId`). */
export function toolSpanIdOf(sessionId: string, toolCallId: string): string {
  return childSpanId(sessionId, 'tool', toolCallId)
}

/** A span made from one event (`error.raised`), named by its seq. */
export function eventSpanIdOf(sessionId: string, seq: number): string {
  return childSpanId(sessionId, 'event', String(seq))
}
