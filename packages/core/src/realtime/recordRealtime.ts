/**
 * Records an OpenAI Realtime session held over WebRTC (the `oai-events` data channel and both
 * audio tracks) or over a WebSocket (its messages), observed and never altered, folded by
 * RealtimeFolder into transcripts, calls, tool calls, snapshots, barge-ins and errors. Uses only
 * the recorder's public API (`record`, `getSnapshot`, `audio`).
 */
import type { Recorder } from '../client/types'
import type { PriceTable } from '../instrument/prices'
import type { InstrumentStats } from '../instrument/safeRecorder'
import { createRealtimeFolder } from './RealtimeFolder'
import { observeMessages, type MessageSink, type MessageTransport } from './observeMessages'
import { recordSocketAudio, type SocketAudio } from './recordSocketAudio'
import { sessionClock } from './sessionClock'

export type RealtimeRecorder = Pick<Recorder, 'record' | 'getSnapshot' | 'audio' | 'attach'>

export interface RecordRealtimeOptions {
  /** The events channel, when the app created it before calling. Default: the first channel labelled `label` created or received afterwards. */
  channel?: RTCDataChannel
  /** Default `oai-events`. */
  label?: string
  /**
   * Record the microphone (`audio.input`) and the assistant (`audio.output`). Default true.
   * WebRTC: both tracks through `recorder.audio`. WebSocket: the base64 PCM16 of the app's
   * appends and the server's audio deltas, as WAV parts (docs/realtime.md). Needs audio consent.
   */
  audio?: boolean
  /** Model when the session events never name one. */
  model?: string
  prices?: Readonly<PriceTable>
  onError?: (error: unknown) => void
}

export interface RealtimeRecording {
  /** Stops observing; open responses are recorded as aborted; resolves when the audio slices are durable. */
  stop(): Promise<void>
  readonly stats: InstrumentStats
}

/** What `recordRealtime` accepts: a peer connection, or a WebSocket (or anything with its `send`, `message` and `close`). */
export type RealtimeConnection = RTCPeerConnection | WebSocket

export function recordRealtime(recorder: RealtimeRecorder, connection: RealtimeConnection, options: RecordRealtimeOptions = {}): RealtimeRecording {
  const now = sessionClock(recorder)
  const folder = createRealtimeFolder(recorder, { now, model: options.model, prices: options.prices, onError: options.onError })
  const undo: Array<() => void> = []
  const recording = new Set<'input' | 'output'>()

  // The tab closing in the middle of an answer: what was said so far is recorded (the answer
  // aborted, `page-left`) while the page leaves; the recorder keeps what is recorded then
  // (e2e/realtime.spec.ts closes a tab mid-answer and finds it on the server).
  if (typeof window !== 'undefined') {
    const onLeave = () => folder.close('page-left')
    window.addEventListener('pagehide', onLeave)
    undo.push(() => window.removeEventListener('pagehide', onLeave))
  }

  let socketAudio: SocketAudio | undefined
  if (isPeerConnection(connection)) observePeer(connection)
  else {
    const audio = (socketAudio = options.audio === false ? undefined : recordSocketAudio(recorder, folder.safe, now))
    const sink: MessageSink = audio
      ? { server: (event) => (folder.server(event), audio.server(event)), client: (event) => (folder.client(event), audio.client(event)), close: folder.close }
      : folder
    undo.push(observeMessages(connection as unknown as MessageTransport, sink, 'socket-closed'))
  }

  function observePeer(peer: RTCPeerConnection) {
    const label = options.label ?? 'oai-events'
    let channel: RTCDataChannel | undefined
    const observe = (next: RTCDataChannel) => {
      if (channel || next.label !== label) return
      channel = next
      undo.push(observeMessages(next as unknown as MessageTransport, folder, 'channel-closed'))
    }

    if (options.channel) observe(options.channel)
    else {
      const create = peer.createDataChannel
      const wrapped = function (this: RTCPeerConnection, ...args: Parameters<RTCPeerConnection['createDataChannel']>) {
        const made = create.apply(this, args)
        try {
          observe(made)
        } catch (error) {
          folder.safe.fail(error)
        }
        return made
      }
      peer.createDataChannel = wrapped
      const onChannel = (event: RTCDataChannelEvent) => observe(event.channel)
      peer.addEventListener('datachannel', onChannel)
      undo.push(() => {
        peer.removeEventListener('datachannel', onChannel)
        if (peer.createDataChannel === wrapped) delete (peer as Partial<RTCPeerConnection>).createDataChannel
      })
    }

    const startAudio = (track: MediaStreamTrack | null | undefined, side: 'input' | 'output') => {
      if (options.audio === false || !track || track.kind !== 'audio' || recording.has(side)) return
      recording.add(side)
      recorder.audio.start(new MediaStream([track]), { track: side }).catch((error: unknown) => folder.safe.fail(error))
    }
    const scanTracks = () => {
      for (const sender of peer.getSenders()) startAudio(sender.track, 'input')
      for (const receiver of peer.getReceivers()) if (receiver.track.readyState === 'live' && peer.remoteDescription) startAudio(receiver.track, 'output')
    }
    const onTrack = (event: RTCTrackEvent) => startAudio(event.track, 'output')
    const onNegotiation = () => scanTracks()
    peer.addEventListener('track', onTrack)
    peer.addEventListener('negotiationneeded', onNegotiation)
    peer.addEventListener('signalingstatechange', onNegotiation)
    undo.push(() => {
      peer.removeEventListener('track', onTrack)
      peer.removeEventListener('negotiationneeded', onNegotiation)
      peer.removeEventListener('signalingstatechange', onNegotiation)
    })
    scanTracks()
  }

  return {
    stats: folder.safe.stats,
    async stop() {
      for (const step of undo.splice(0)) step()
      folder.close('stopped')
      await Promise.all([...[...recording].map((side) => recorder.audio.stop(side)), socketAudio?.stop()])
    },
  }
}

function isPeerConnection(connection: RealtimeConnection): connection is RTCPeerConnection {
  return typeof (connection as RTCPeerConnection).createDataChannel === 'function'
}
