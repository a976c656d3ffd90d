/** Sends a session's events to a Tapedeck server as a recorder does (docs/protocol.md §2): one gzip NDJSON batch. */
import type { TapedeckEvent } from '@tapedeck/core'
import { gzipSync, strToU8 } from 'fflate'

export async function uploadEvents(endpoint: string, events: readonly TapedeckEvent[], ingestKey: string): Promise<void> {
  const sessionId = events[0]!.sessionId
  const response = await fetch(`${endpoint}/v1/batches`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-ndjson',
      'content-encoding': 'gzip',
      authorization: `Bearer ${ingestKey}`,
      'idempotency-key': `b_${sessionId}`,
      'tapedeck-session': sessionId,
      'tapedeck-seq': `${events[0]!.seq}-${events.at(-1)!.seq}`,
    },
    body: gzipSync(strToU8(events.map((e) => JSON.stringify(e)).join('\n') + '\n')),
  })
  if (response.status !== 201) throw new Error(`upload of ${sessionId}: ${response.status} ${await response.text()}`)
}
