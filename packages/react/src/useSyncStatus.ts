import type { RecorderStatus, SyncStatus } from '@tapedeck/core'
import { useRecorderStatus } from './useRecorderStatus'

const selectSync = (status: RecorderStatus) => status.sync

/**
 * The recorder's upload state; re-renders only when it changes, not with every recorded batch.
 * `null` when sync is off, on the server and before the recorder starts.
 */
export function useSyncStatus(): SyncStatus | null {
  return useRecorderStatus(selectSync)
}
