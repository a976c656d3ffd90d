/**
 * A mock OpenAI Realtime peer in the page: a second RTCPeerConnection on loopback that answers the
 * app's offer, accepts its `oai-events` data channel, and plays a generated voice (a tone switched
 * on while "speaking") on its audio track. A script drives both sides of a conversation: server
 * events the peer sends, client events the app sends, and when the assistant speaks.
 *
 * In the page rather than in Node: it is real WebRTC (DTLS, SCTP, RTP with Opus) with nothing to
 * install — no Node WebRTC library is in the workspace — and the same file serves the tests and
 * the playground.
 */

export type ScriptStep =
  /** The peer sends a server event to the app. */
  | { after?: number; server: Record<string, unknown> }
  /** The app sends a client event through its channel. */
  | { after?: number; client: Record<string, unknown> }
  /** The assistant's voice starts (`true`) or stops. */
  | { after?: number; speak: boolean }

export interface ScriptLogEntry {
  step: ScriptStep
  /** `performance.now()` when the step ran. */
  at: number
}

export interface MockRealtimePeer {
  /** Connects the app's connection (its channel and microphone already added) to the peer. */
  connect(app: RTCPeerConnection): Promise<void>
  /** Runs a script; the app's client events go out on `appChannel`. */
  run(script: readonly ScriptStep[], appChannel: RTCDataChannel): Promise<ScriptLogEntry[]>
  send(event: Record<string, unknown>): void
  /** The raw client messages the peer received, in order. */
  readonly received: string[]
  readonly connection: RTCPeerConnection
  close(): Promise<void>
}

export interface MockPeerOptions {
  /** Frequency of the assistant's tone. Default 220 Hz. */
  frequency?: number
}

export async function createMockRealtimePeer(options: MockPeerOptions = {}): Promise<MockRealtimePeer> {
  const context = new AudioContext()
  await context.resume()
  const oscillator = new OscillatorNode(context, { frequency: options.frequency ?? 220 })
  const gain = new GainNode(context, { gain: 0 })
  const destination = context.createMediaStreamDestination()
  oscillator.connect(gain).connect(destination)
  oscillator.start()

  const connection = new RTCPeerConnection()
  const received: string[] = []
  let channel: RTCDataChannel | undefined
  let opened: Promise<void> = Promise.resolve()
  connection.addTrack(destination.stream.getAudioTracks()[0]!, destination.stream)

  const send = (event: Record<string, unknown>) => {
    if (!channel || channel.readyState !== 'open') throw new Error('The mock realtime peer has no open channel.')
    channel.send(JSON.stringify(event))
  }

  const delivered = async (appChannel: RTCDataChannel) => {
    // The app's sends and the peer's are ordered per channel: wait until all the app sent arrived.
    const deadline = performance.now() + 2000
    while (appChannel.bufferedAmount > 0 && performance.now() < deadline) await sleep(5)
  }

  return {
    received,
    connection,
    send,
    async connect(app) {
      const channelReady = new Promise<void>((resolve) => {
        connection.addEventListener('datachannel', (event) => {
          channel = event.channel
          channel.addEventListener('message', (message) => received.push(String(message.data)))
          if (channel.readyState === 'open') resolve()
          else channel.addEventListener('open', () => resolve(), { once: true })
        })
      })
      opened = channelReady
      app.addEventListener('icecandidate', (event) => void connection.addIceCandidate(event.candidate ?? undefined).catch(() => {}))
      connection.addEventListener('icecandidate', (event) => void app.addIceCandidate(event.candidate ?? undefined).catch(() => {}))
      await app.setLocalDescription(await app.createOffer())
      await connection.setRemoteDescription(app.localDescription!)
      await connection.setLocalDescription(await connection.createAnswer())
      await app.setRemoteDescription(connection.localDescription!)
      await withTimeout(opened, 5000, 'The mock realtime peer did not connect within 5 s.')
    },
    async run(script, appChannel) {
      const log: ScriptLogEntry[] = []
      for (const step of script) {
        if (step.after) await sleep(step.after)
        if ('server' in step) send(step.server)
        else if ('client' in step) appChannel.send(JSON.stringify(step.client))
        else gain.gain.setValueAtTime(step.speak ? 0.4 : 0, context.currentTime)
        log.push({ step, at: performance.now() })
      }
      await delivered(appChannel)
      return log
    },
    async close() {
      connection.close()
      await context.close()
    },
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))])
  } finally {
    clearTimeout(timer)
  }
}
