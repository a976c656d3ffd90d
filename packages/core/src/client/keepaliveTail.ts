import { gzipSync } from 'fflate'
import { BatchBuilder, stampedTimes, type PackedBatch } from '../events/PackedBatch'
import { unpackBatch } from '../events/unpackBatch'
import { jsonRedactors, type JsonRedactor } from '../engine/jsonRedactor'
import type { RedactOptions } from '../redact'
import { eventId } from '../util/eventId'
import { concatBytes } from '../util/concatBytes'
import { trimEndpoint } from '../util/endpoint'
import { envelopeHead } from '../events/envelopeHead'

/**
 * Request bodies a page may have in flight with `keepalive` (the Fetch standard's 64 KiB; in
 * Chromium 65,536 B goes, 70,000 B is refused: bench/lastWords.mjs). Fetches a dedicated worker
 * starts die with the page, keepalive or not (same bench), so the page sends this itself.
 */
export const KEEPALIVE_BUDGET = 65_536

/**
 * Time the page spends building the send, at most, past the newest batch: redacting is the cost
 * (about 0.3 ms an event on a busy machine), and a page that takes long to close may be gone
 * before the request leaves.
 */
export const KEEPALIVE_BUILD_MS = 50

/**
 * NDJSON characters a gzip member is expected to shrink from into the room it is built for: chat
 * events compress about 4.9 to 1 at level 6 (bench/lastWords.mjs), so one member of the newest
 * events that many times the room fills most of it with one gzip — the first member is built
 * whatever the time, later ones only within KEEPALIVE_BUILD_MS, which a loaded machine spends on one.
 */
const EXPECTED_RATIO = 4.5

/**
 * The page-hide send: when the page is hidden or closing, the stamped batches the server may not
 * hold yet (see SeqLeaser) go out at once with `fetch(..., { keepalive: true })`, which the browser
 * finishes after the page is gone — newest first, as many as fit the budget, redacted with the
 * worker's rules and gzip-compressed here, synchronously. The batches are the protocol's events
 * exactly as the worker stores them (same seq, id, t), so the worker's own upload of them later is
 * skipped by the server (docs/protocol.md §2, "One event, stored once"), and what did not fit goes
 * with the next visit's upload, from the copy the page saved (tailWriter).
 *
 * Newest first: the events of the last seconds are the ones nobody else has — the worker uploads
 * as it goes (a steady stream is on the server within about 2 s), so older ones are mostly there
 * already, and the user who closes the tab in frustration may never come back with the rest.
 */
export interface KeepaliveTail {
  send(batches: readonly PackedBatch[]): void
  /**
   * The page holds a lease, so it may have something to send as it closes: the send's code is run
   * once, on made-up events, in an idle moment (nothing is sent). Cold, the first gzip of a group
   * took 121 ms at page hide — more than the whole build budget, so one group went where four fit
   * (bench/lastWords.mjs: 464 of 2,000). Once per page; later calls do nothing.
   */
  warm(): void
}

export interface KeepaliveOptions {
  endpoint: string
  /** Static headers, and the last token (`Authorization: Bearer`), as the worker sends them. */
  headers: () => Record<string, string>
  redact: RedactOptions | undefined
  capture: () => 'full' | 'metadata'
  /** gzip level; 6 fits ~10% more events than 1 in the budget, in about the same time (bench/lastWords.mjs). */
  level?: 1 | 6 | 9
  fetch?: typeof fetch
}

const encoder = new TextEncoder()

export function openKeepaliveTail(options: KeepaliveOptions): KeepaliveTail {
  const url = `${trimEndpoint(options.endpoint)}/v1/batches`
  const level = options.level ?? 6
  const send = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args))
  const redactorFor = jsonRedactors(options.redact)
  // Made now, not while the page closes.
  redactorFor(options.capture())
  // The script-tag build has no gzip of its own (CompressionStream is asynchronous, too late at
  // pagehide): there the body goes uncompressed, so fewer events fit the budget.
  let gzip = true
  try {
    gzipSync(new Uint8Array(0))
  } catch {
    gzip = false
  }
  const encode = (lines: string[]) => (gzip ? gzipSync(encoder.encode(lines.join('')), { level }) : encoder.encode(lines.join('')))
  /** Bytes of our keepalive bodies still in flight. */
  let inFlight = 0
  /** Batches sent whole already (an earlier hide): not sent again. */
  const sent = new Set<string>()
  let requests = 0
  let warmed = false

  return {
    warm() {
      if (warmed) return
      warmed = true
      whenIdle(() => {
        try {
          encode(eventLines(rehearsal(), redactorFor(options.capture())))
        } catch {
          // Nothing to warm: the send tries all the same.
        }
      })
    },

    send(batches) {
      try {
        const newest = batches.at(-1)
        if (!newest) return
        const redact = redactorFor(options.capture())
        let room = KEEPALIVE_BUDGET - inFlight
        const members: Uint8Array[] = []
        const whole: string[] = []
        let first = Infinity
        let last = -1
        const began = performance.now()
        // Newest first, a run of batches per gzip member, not a member per batch: a page recording
        // slowly makes batches of a few events, and each member costs a gzip set-up and header (40
        // batches of 3 events: all 120 went in 1,362 B as one member). A member holds the newest
        // events expected to fill what is left (EXPECTED_RATIO): one gzip, not a second for the rest.
        // (Members one after another are one gzip body; plain NDJSON joins the same way.)
        let i = batches.length - 1
        while (i >= 0 && room > 0 && (members.length === 0 || performance.now() - began < KEEPALIVE_BUILD_MS)) {
          const target = gzip ? room * EXPECTED_RATIO : room
          const group: Array<{ batch: PackedBatch; lines: string[] }> = []
          for (let chars = 0; i >= 0 && chars < target; i--) {
            const batch = batches[i]!
            if (batch.sessionId !== newest.sessionId || !batch.stamp || sent.has(batch.batchId)) continue
            const lines = eventLines(batch, redact)
            group.unshift({ batch, lines })
            for (const line of lines) chars += line.length
          }
          if (group.length === 0) break
          const lines = group.flatMap((one) => one.lines)
          // Its newest events up to the target (one at least).
          let from = lines.length - 1
          for (let chars = lines[from]!.length; from > 0 && chars + lines[from - 1]!.length <= target; ) chars += lines[--from]!.length
          let member = encode(lines.slice(from))
          // Too large for what is left: as many of its newest events as this compression says fit, down to one.
          while (member.byteLength > room && lines.length - from > 1) {
            const count = lines.length - from
            from = lines.length - Math.max(1, Math.min(count - 1, Math.floor((count * room * 0.95) / member.byteLength)))
            member = encode(lines.slice(from))
          }
          if (member.byteLength > room) break
          members.push(member)
          room -= member.byteLength
          let offset = 0
          for (const { batch, lines: own } of group) {
            const start = Math.max(0, from - offset)
            offset += own.length
            if (start >= own.length) continue
            first = Math.min(first, batch.stamp!.firstSeq + start)
            last = Math.max(last, batch.stamp!.firstSeq + own.length - 1)
            if (start === 0) whole.push(batch.batchId)
          }
          if (from > 0) break
        }
        if (members.length === 0) return
        const body = concatBytes(members.reverse())
        inFlight += body.byteLength
        for (const id of whole) sent.add(id)
        void send(url, {
          method: 'POST',
          keepalive: true,
          headers: {
            ...options.headers(),
            'Content-Type': 'application/x-ndjson',
            ...(gzip && { 'Content-Encoding': 'gzip' }),
            'Idempotency-Key': `${newest.tab}.hide.${++requests}`,
            'Tapedeck-Session': newest.sessionId,
            'Tapedeck-Seq': `${first}-${last}`,
          },
          body,
        })
          .then((response) => {
            if (!response.ok) throw new Error(String(response.status))
          })
          .catch(() => {
            // The saved copy and the worker's upload still carry them.
            for (const id of whole) sent.delete(id)
          })
          .finally(() => {
            inFlight -= body.byteLength
          })
      } catch {
        // The page is going away: the saved copy and the next visit carry the events.
      }
    },
  }
}

/** Runs `task` when the page is idle (soon at the latest), where the browser can say so. */
function whenIdle(task: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(task, { timeout: 5000 })
  else setTimeout(task, 1000)
}

/** A stamped batch of a group's worth of made-up chat events (about 100 KB): what the send's code is warmed on. */
function rehearsal(): PackedBatch {
  const builder = new BatchBuilder()
  const now = Date.now()
  for (let i = 0; i < 256; i++) {
    const words = `turn ${i}: ${(i * 2_654_435_761).toString(36)} the assistant answers about orders, ${(i * 40_503).toString(16)} returns and refunds`
    builder.push('message.created', JSON.stringify({ messageId: `m_${i}`, role: i % 2 ? 'assistant' : 'user', content: `${words} ${words.split('').reverse().join('')}` }), now + i, now + i)
  }
  return { ...builder.take('s_warm', 't_warm', 'warm'), stamp: { firstSeq: 0, tFloor: 0, startedAt: now } }
}

/** The batch's events as NDJSON lines, exactly as the engine encodes a stamped batch (storage/encodeBatch). */
function eventLines(packed: PackedBatch, redact: JsonRedactor): string[] {
  const stamp = packed.stamp!
  const { sessionId, tab, events } = unpackBatch(packed)
  const times = stampedTimes(stamp, packed.at)
  return events.map((event, i) => {
    const seq = stamp.firstSeq + i
    const head = envelopeHead(eventId(event.ts, sessionId, seq), sessionId, seq, event.ts, times[i]!, tab, event.type)
    return `${head}${redact(event.data).json}${event.checkpoint ? ',"checkpoint":true' : ''}}\n`
  })
}
