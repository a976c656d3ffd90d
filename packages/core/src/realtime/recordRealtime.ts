/**
 * Records an OpenAI Realtime session held over WebRTC: the `oai-events` data channel (observed,
 * never altered), both audio tracks through `recorder.audio`, folded by RealtimeFolder into
 * transcripts, calls, tool calls, snapshots, barge-ins and errors. Uses only the recorder's public
 * API (`record`, `getSnapshot`, `audio`).
 */
import type { Recorder } from '../client/types'
import type { PriceTable } from '../instrument/prices'
import type { InstrumentStats } from '../instrument/safeRecorder'
import { createRealtimeFolder } from './RealtimeFolder'

export type RealtimeRecorder = Pick<Recorder, 'record' | 'getSnapshot' | 'audio'>

export interface RecordRealtimeOptions {
  /** The events channel, when the app created it before calling. Default: the first channel labelled `label` created or received afterwards. */
  channel?: RTCDataChannel
  /** Default `oai-events`. */
  label?: string
  /** Record the microphone (`audio.input`) and assistant (`audio.output`) tracks. Default true. */
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

export function recordRealtime(recorder: RealtimeRecorder, connection: RTCPeerConnection, options: RecordRealtimeOptions = {}): RealtimeRecording {
  const label = options.label ?? 'oai-events'
  const t0 = performance.timeOrigin + performance.now()
  const now = () => {
    const startedAt = recorder.getSnapshot().session?.startedAt
    return performance.timeOrigin + performance.now() - (startedAt ?? t0)
  }
  const folder = createRealtimeFolder(recorder, { now, model: options.model, prices: options.prices, onError: options.onError })
  const undo: Array<() => void> = []
  let channel: RTCDataChannel | undefined

  const parse = (data: unknown): unknown => {
    if (typeof data !== 'string') return undefined
    try {
      return JSON.parse(data)
    } catch {
      return undefined
    }
  }

  const observe = (next: RTCDataChannel) => {
    if (channel || next.label !== label) return
    channel = next
    const onMessage = (message: MessageEvent) => folder.server(parse(message.data))
    next.addEventListener('message', onMessage)
    // The app's sends go out exactly as given; a copy of the text is read after.
    const send = next.send
    const observed = function (this: RTCDataChannel, data: never) {
      const result = send.call(this, data)
      folder.client(parse(data))
      return result
    }
    next.send = observed as RTCDataChannel['send']
    const onClose = () => folder.close('channel-closed')
    next.addEventListener('close', onClose)
    undo.push(() => {
      next.removeEventListener('message', onMessage)
      next.removeEventListener('close', onClose)
      if (next.send === observed) delete (next as Partial<RTCDataChannel>).send
    })
  }

  if (options.channel) observe(options.channel)
  else {
    const create = connection.createDataChannel
    const wrapped = function (this: RTCPeerConnection, ...args: Parameters<RTCPeerConnection['createDataChannel']>) {
      const made = create.apply(this, args)
      try {
        observe(made)
      } catch (error) {
        folder.safe.fail(error)
      }
      return made
    }
    connection.createDataChannel = wrapped
    const onChannel = (event: RTCDataChannelEvent) => observe(event.channel)
    connection.addEventListener('datachannel', onChannel)
    undo.push(() => {
      connection.removeEventListener('datachannel', onChannel)
      if (connection.createDataChannel === wrapped) delete (connection as Partial<RTCPeerConnection>).createDataChannel
    })
  }

  const recording = new Set<string>()
  const startAudio = (track: MediaStreamTrack | null | undefined, side: 'input' | 'output') => {
    if (options.audio === false || !track || track.kind !== 'audio' || recording.has(side)) return
    recording.add(side)
    recorder.audio.start(new MediaStream([track]), { track: side }).catch((error: unknown) => folder.safe.fail(error))
  }
  const scanTracks = () => {
    for (const sender of connection.getSenders()) startAudio(sender.track, 'input')
    for (const receiver of connection.getReceivers()) if (receiver.track.readyState === 'live' && connection.remoteDescription) startAudio(receiver.track, 'output')
  }
  const onTrack = (event: RTCTrackEvent) => startAudio(event.track, 'output')
  const onNegotiation = () => scanTracks()
  connection.addEventListener('track', onTrack)
  connection.addEventListener('negotiationneeded', onNegotiation)
  connection.addEventListener('signalingstatechange', onNegotiation)
  undo.push(() => {
    connection.removeEventListener('track', onTrack)
    connection.removeEventListener('negotiationneeded', onNegotiation)
    connection.removeEventListener('signalingstatechange', onNegotiation)
  })
  scanTracks()

  return {
    stats: folder.safe.stats,
    async stop() {
      for (const step of undo.splice(0)) step()
      folder.close('stopped')
      if (options.audio !== false) {
        await Promise.all([...recording].map((side) => recorder.audio.stop(side as 'input' | 'output')))
      }
    },
  }
}
