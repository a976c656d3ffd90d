// The realtime test page: an app's RTCPeerConnection talks to the mock OpenAI Realtime peer (a
// second peer connection in this page, real WebRTC on loopback) and is recorded by
// recordRealtime. `call(endpoint, steps)` runs the first `steps` of the scripted conversation and
// leaves the call open, so a test can close the tab in the middle of it.
import { createRecorder, type Recorder } from '@tapedeck/core'
import { recordRealtime } from '@tapedeck/core/realtime'
import { createMockRealtimePeer } from '../../../packages/core/src/realtime/testing/createMockRealtimePeer'
import { CONVERSATION } from '../../../packages/core/src/realtime/testing/conversationScript'

let recorder: Recorder | undefined

async function call(endpoint: string, steps: number): Promise<string> {
  recorder = createRecorder({ endpoint, consent: { mode: 'none', audio: 'none' } })
  const { id } = await recorder.start({ feature: 'realtime-voice' })
  const context = new AudioContext()
  const mic = context.createMediaStreamDestination()
  const tone = new OscillatorNode(context, { frequency: 440 })
  tone.connect(new GainNode(context, { gain: 0.3 })).connect(mic)
  tone.start()
  const app = new RTCPeerConnection()
  recordRealtime(recorder, app)
  app.addTrack(mic.stream.getAudioTracks()[0]!, mic.stream)
  const speaker = new Audio()
  app.addEventListener('track', (event) => {
    speaker.srcObject = event.streams[0] ?? new MediaStream([event.track])
    void speaker.play().catch(() => {})
  })
  const channel = app.createDataChannel('oai-events')
  const peer = await createMockRealtimePeer()
  await peer.connect(app)
  await waitUntil(() => recorder!.getSnapshot().audio.output.state === 'recording' && recorder!.getSnapshot().audio.input.state === 'recording')
  const script = CONVERSATION.slice(0, steps)
  const expected = script.filter((step) => 'server' in step).length
  let received = 0
  channel.addEventListener('message', () => received++)
  await peer.run(script, channel)
  await waitUntil(() => received === expected)
  return id
}

async function waitUntil(ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!ok()) {
    if (performance.now() > deadline) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** The index of the first script step that matches. */
const stepIndex = (type: string, key: string, value: unknown) =>
  CONVERSATION.findIndex((step) => 'server' in step && step.server.type === type && step.server[key] === value)

const realtime = { call, stepIndex, ready: (endpoint: string) => createRecorder({ endpoint }).ready() }
export type RealtimePage = typeof realtime

declare global {
  interface Window {
    realtime: RealtimePage
  }
}

Object.assign(window, { realtime })
document.body.dataset.ready = 'true'
