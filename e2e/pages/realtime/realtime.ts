// The realtime test page: an app's RTCPeerConnection talks to the mock OpenAI Realtime peer (a
// second peer connection in this page, real WebRTC on loopback) and is recorded by
// recordRealtime. `call(endpoint, steps)` runs the first `steps` of the scripted conversation and
// leaves the call open, so a test can close the tab in the middle of it. `socketCall` does the
// same over a WebSocket to the test's Realtime relay (packages/core/test/realtimeSocketSetup.ts),
// with the microphone streamed as appends and the answer's audio as deltas.
import { createRecorder, type Recorder } from '@tapedeck/core'
import { recordRealtime } from '@tapedeck/core/realtime'
import { createMockRealtimePeer } from '../../../packages/core/src/realtime/testing/createMockRealtimePeer'
import { CONVERSATION } from '../../../packages/core/src/realtime/testing/conversationScript'
import { SOCKET_CONVERSATION } from '../../../packages/core/src/realtime/testing/socketConversation'

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

/** `ms` of a 24 kHz PCM16 sine, base64 (what an append or an audio delta carries). */
function pcmBase64(frequency: number, ms: number): string {
  const samples = new Int16Array((24_000 * ms) / 1000)
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(10_000 * Math.sin((2 * Math.PI * frequency * i) / 24_000))
  let text = ''
  for (const byte of new Uint8Array(samples.buffer)) text += String.fromCharCode(byte)
  return btoa(text)
}

async function openSocket(url: string): Promise<WebSocket> {
  const socket = new WebSocket(url)
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true })
    socket.addEventListener('error', reject, { once: true })
  })
  return socket
}

/**
 * The socket conversation up to `steps`, the microphone streamed all along (100 ms an append),
 * then `answerMs` of the third answer's audio sent at once, of which `heardMs` play before this
 * resolves (and the test closes the tab). Returns the session id and the ms of microphone audio sent.
 */
async function socketCall(endpoint: string, relay: string, steps: number, answerMs: number, heardMs: number): Promise<{ id: string; micMs: number }> {
  recorder = createRecorder({ endpoint, consent: { mode: 'none', audio: 'none' } })
  const { id } = await recorder.start({ feature: 'realtime-voice-socket' })
  const room = crypto.randomUUID()
  const control = await openSocket(`${relay}/control?room=${room}`)
  const app = await openSocket(`${relay}/v1/realtime?room=${room}`)
  recordRealtime(recorder, app)
  let received = 0
  app.addEventListener('message', () => received++)
  const append = JSON.stringify({ type: 'input_audio_buffer.append', audio: pcmBase64(440, 100) })
  let micMs = 0
  setInterval(() => {
    app.send(append)
    micMs += 100
  }, 100)
  const script = SOCKET_CONVERSATION.slice(0, steps)
  for (const step of script) {
    if (step.after) await new Promise((resolve) => setTimeout(resolve, step.after))
    if ('server' in step) control.send(JSON.stringify(step.server))
    else if ('client' in step) {
      app.send(JSON.stringify(step.client))
      if (step.client.type === 'input_audio_buffer.append') micMs += 20
    }
  }
  const delta = JSON.stringify({ type: 'response.output_audio.delta', response_id: 'resp_3', item_id: 'item_a3', output_index: 0, content_index: 0, delta: pcmBase64(220, 200) })
  for (let ms = 0; ms < answerMs; ms += 200) control.send(delta)
  const expected = script.filter((step) => 'server' in step).length + answerMs / 200
  await waitUntil(() => received === expected)
  await new Promise((resolve) => setTimeout(resolve, heardMs))
  return { id, micMs }
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

/** The same over the socket conversation. */
const socketStepIndex = (type: string, key: string, value: unknown) =>
  SOCKET_CONVERSATION.findIndex((step) => 'server' in step && step.server.type === type && step.server[key] === value)

const realtime = { call, socketCall, stepIndex, socketStepIndex, ready: (endpoint: string) => createRecorder({ endpoint }).ready() }
export type RealtimePage = typeof realtime

declare global {
  interface Window {
    realtime: RealtimePage
  }
}

Object.assign(window, { realtime })
document.body.dataset.ready = 'true'
