import { useEffect, useMemo, useSyncExternalStore } from 'react'
import { ReplayPlayer, type PlayerSnapshot, type Recording } from '@tapedeck/player'

export interface ReplayPlayerHandle {
  player: ReplayPlayer
  /** The player's snapshot (`position`, `playing`, `rate`, `state` at the playhead…), kept current. */
  snapshot: PlayerSnapshot
}

/**
 * A `ReplayPlayer` for a recording (or the one you pass), read through `useSyncExternalStore`.
 * The player is made once per recording, its playhead at `startAt` (ms; default 0); a player
 * you pass is left where it is. Playback stops when the component unmounts.
 */
export function useReplayPlayer(recording: Recording, player?: ReplayPlayer, startAt?: number): ReplayPlayerHandle {
  const current = useMemo(() => {
    if (player) return player
    const made = new ReplayPlayer(recording)
    if (startAt) made.seek(startAt)
    return made
    // startAt is read when the player is made, not followed afterwards.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [recording, player])
  useEffect(() => () => current.pause(), [current])
  const snapshot = useSyncExternalStore(current.subscribe, current.getSnapshot, current.getSnapshot)
  return { player: current, snapshot }
}
