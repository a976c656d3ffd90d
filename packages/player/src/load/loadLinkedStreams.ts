import { createReadClient, type ReadClient } from '@tapedeck/core/read'
import type { TapedeckEvent } from '@tapedeck/core'
import type { Recording } from '../recording/Recording'
import { finishRecording } from './finishRecording'
import { partReader } from './loadFromServer'
import { serverError } from './serverError'
import type { LoadOptions, ServerSource } from './sources'

/**
 * The streams other writers linked to a session on a server — its backend's LLM calls, recorded
 * with `@tapedeck/node` (docs/protocol.md §7) — each as a `Recording` of its own (its own seqs,
 * gaps and completeness), in the order they first appear on the session's timeline. One request:
 * `GET …/v1/sessions/{id}/events?streams=linked`. The session itself is `loadRecording(source)`;
 * a session nothing is linked to gives `[]`. Errors as `loadRecording`'s.
 */
export async function loadLinkedStreams(source: ServerSource, options: LoadOptions = {}): Promise<Recording[]> {
  const client: ReadClient = createReadClient(source)
  const signal = options.signal ?? null
  const byStream = new Map<string, TapedeckEvent[]>()
  try {
    for (const event of await client.events(source.sessionId, { streams: 'linked', ...(options.signal && { signal: options.signal }) })) {
      if (event.sessionId === source.sessionId) continue
      const events = byStream.get(event.sessionId) ?? []
      if (events.push(event) === 1) byStream.set(event.sessionId, events)
    }
  } catch (error) {
    throw serverError(error, source.sessionId)
  }
  const streams: Recording[] = []
  for (const [sessionId, events] of byStream) {
    streams.push(await finishRecording({ source: 'server', events, sessionId, getPart: partReader(client, sessionId, signal) }, options))
  }
  return streams
}
