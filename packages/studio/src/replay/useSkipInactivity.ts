import { useEffect, useMemo } from 'react'
import type { TapedeckEvent } from '@tapedeck/core'
import type { PlayerSnapshot, ReplayPlayer } from '@tapedeck/player'
import { upperBound } from '@tapedeck/react/viewer'

/** A pause longer than this (session time, ms) is skipped during playback. */
export const IDLE_MS = 3000
/** Landing this long before the next event, so it does not appear with no lead-in. */
const LEAD_MS = 500

/**
 * Skip inactivity: while playing, when nothing happens for more than IDLE_MS and no audio is
 * playing, the playhead jumps to just before the next event.
 */
export function useSkipInactivity(player: ReplayPlayer, snapshot: PlayerSnapshot, events: readonly TapedeckEvent[], enabled: boolean): void {
  const times = useMemo(() => {
    // Running maximum: `t` is ascending in seq order except across clock adjustments.
    const out = new Float64Array(events.length)
    let max = 0
    events.forEach((event, i) => (out[i] = max = Math.max(max, event.t)))
    return out
  }, [events])
  const { playing, position, state } = snapshot
  const audible = state.audio.input !== null || state.audio.output !== null
  useEffect(() => {
    if (!enabled || !playing || audible) return
    const next = times[upperBound(times, position)]
    if (next !== undefined && next - position > IDLE_MS) player.seek(next - LEAD_MS)
  }, [enabled, playing, audible, position, times, player])
}
