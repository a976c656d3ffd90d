import { useEffect, useMemo, useSyncExternalStore } from 'react'
import { ReplayPlayer, type PlayerSnapshot, type Recording } from '@tapedeck/player'

export interface ReplayPlayerHandle {
  player: ReplayPlayer
  /** The player's snapshot (`position`, `playing`, `rate`, `state` at the playhead…), kept current. */
  snapshot: PlayerSnapshot
}

/**
 * A `ReplayPlayer` for a recording (or the one you pass), read through `useSyncExternalStore`.
 * The player is made once per recording; playback stops when the component unmounts.
 */
export function useReplayPlayer(recording: Recording, player?: ReplayPlayer): ReplayPlayerHandle {
  const current = useMemo(() => player ?? new ReplayPlayer(recording), [recording, player])
  useEffect(() => () => current.pause(), [current])
  const snapshot = useSyncExternalStore(current.subscribe, current.getSnapshot, current.getSnapshot)
  return { player: current, snapshot }
}
