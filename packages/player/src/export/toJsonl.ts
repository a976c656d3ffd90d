import type { Recording } from '../recording/Recording'
import { recordedCalls } from '../replay/recordedCalls'
import { PROMPTKIT_VERSION, toPromptKitEvent, type PromptKitMetadata } from '../recording/promptKitFormat'

const NS_PER_MS = 1e6

/**
 * The recording as a PromptKit recording (JSON Lines): a `metadata` line, then one `event` line
 * per event with `seq`, `type`, `timestamp`, `offset`, `session_id` and `data` (see
 * `promptKitFormat.ts`). External annotations ride in `metadata.custom.tapedeck.annotations`.
 * `loadRecording` reads it back to the same events.
 */
export function toJsonl(recording: Recording, options: { now?: number } = {}): string {
  const events = recording.events
  const startedAt = recording.startedAt ?? 0
  const first = events[0]
  const last = events[events.length - 1]
  const durationMs = first && last ? Math.max(0, last.t - first.t) : 0
  const calls = recordedCalls(recording)
  const metadata: PromptKitMetadata = {
    session_id: recording.sessionId,
    start_time: new Date(startedAt).toISOString(),
    end_time: new Date(startedAt + (last?.t ?? 0)).toISOString(),
    duration: Math.round(durationMs * NS_PER_MS),
    event_count: events.length,
    version: PROMPTKIT_VERSION,
    created_at: new Date(options.now ?? Date.now()).toISOString(),
    custom: { tapedeck: { v: 1, annotations: [...recording.annotations] } },
  }
  const provider = calls.find((call) => call.provider)?.provider
  const model = calls.find((call) => call.model)?.model
  if (provider) metadata.provider_name = provider
  if (model) metadata.model = model
  const lines = [JSON.stringify({ type: 'metadata', metadata })]
  for (const event of events) lines.push(JSON.stringify({ type: 'event', event: toPromptKitEvent(event, startedAt) }))
  return `${lines.join('\n')}\n`
}
