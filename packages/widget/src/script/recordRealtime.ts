/**
 * `Tapedeck.recordRealtime` and `Tapedeck.recordPeerConnection` for script-tag pages: the realtime
 * code is a file of its own (tapedeck-realtime.js), loaded from beside tapedeck.js on first use,
 * so both resolve once it has loaded and recording has begun. Call them before the app creates
 * its data channel (`await` first), as with `@tapedeck/core/realtime`.
 */
import type { PeerConnectionRecording, RealtimeRecording } from '@tapedeck/core/realtime'

type Realtime = typeof import('@tapedeck/core/realtime')

export async function recordRealtime(...args: Parameters<Realtime['recordRealtime']>): Promise<RealtimeRecording> {
  const { recordRealtime } = await import('@tapedeck/core/realtime')
  return recordRealtime(...args)
}

export async function recordPeerConnection(...args: Parameters<Realtime['recordPeerConnection']>): Promise<PeerConnectionRecording> {
  const { recordPeerConnection } = await import('@tapedeck/core/realtime')
  return recordPeerConnection(...args)
}
