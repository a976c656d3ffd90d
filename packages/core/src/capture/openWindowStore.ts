import type { RecorderOptions } from '../client/types'
import { jsonRedactors } from '../engine/jsonRedactor'
import type { StartHost } from './startCapture'
import { WindowStore, type StoredWindow } from './WindowStore'

/**
 * The on-error window's store beside the recorder's database, with the recorder's redaction (as
 * the engine would apply it: its rules, and `capture: 'metadata'` or consent without the content
 * scope), and the windows earlier pages left. Loaded only in on-error mode. A withdrawal of consent
 * deletes every window.
 */
export async function openWindowStore(
  options: Pick<RecorderOptions, 'dbName' | 'redact' | 'capture' | 'bufferMs'>,
  host: Pick<StartHost, 'clock' | 'recorder'>,
): Promise<{ store: WindowStore; restored: Map<string, StoredWindow> } | undefined> {
  const redactor = jsonRedactors(options.redact)
  const redact = (json: string) => {
    const content = host.recorder.getSnapshot?.().consent?.scopes.content !== false
    return redactor(content ? (options.capture ?? 'full') : 'metadata')(json).json
  }
  redact('{}') // a rule that cannot work fails here: the window then stays in memory
  const store = await WindowStore.open(`${options.dbName ?? 'tapedeck'}:on-error`, options.bufferMs ?? 60_000, redact)
  if (!store) return undefined
  // Consent withdrawn: what the windows hold is deleted, whatever `erase` says (it was never stored for the user).
  const withdrawn = () => host.recorder.getSnapshot?.().consent?.state === 'withdrawn'
  ;(host.recorder as { subscribe?: (listener: () => void) => () => void }).subscribe?.(() => {
    if (withdrawn()) void store.clear()
  })
  return { store, restored: await store.load(host.clock.now()) }
}
