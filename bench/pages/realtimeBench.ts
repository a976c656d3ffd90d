// The realtime bench page (bench/realtime.mjs): the main-thread cost of recordRealtime per
// Realtime event, against the app's own JSON.parse of each event, and a two-way WebRTC voice
// session with the mock realtime peer, recorded or not, for the bench to read the renderer's CPU.
import { createRecorder, type Recorder } from '@tapedeck/core'
import { recordRealtime } from '@tapedeck/core/realtime'
import { createMockRealtimePeer } from '../../packages/core/src/realtime/testing/createMockRealtimePeer'
import { CONVERSATION } from '../../packages/core/src/realtime/testing/conversationScript'

/**
 * A stream of server events as a WebRTC voice app receives them: each response a created, 40
 * transcript deltas of a few words, a done and usage; each turn the user's speech events and
 * transcript. ~30 % of the events start or end something, the rest are deltas.
 */
function serverEvents(count: number): string[] {
  const events: string[] = []
  for (let turn = 0; events.length < count; turn++) {
    const user = `item_u${turn}`
    const id = `resp_${turn}`
    const item = `item_a${turn}`
    events.push(JSON.stringify({ type: 'input_audio_buffer.speech_started', event_id: `e${events.length}`, item_id: user, audio_start_ms: turn * 4000 }))
    events.push(JSON.stringify({ type: 'input_audio_buffer.speech_stopped', event_id: `e${events.length}`, item_id: user, audio_end_ms: turn * 4000 + 1500 }))
    events.push(JSON.stringify({ type: 'conversation.item.input_audio_transcription.completed', event_id: `e${events.length}`, item_id: user, content_index: 0, transcript: `Question number ${turn}: what about my order A${1000 + turn}?` }))
    events.push(JSON.stringify({ type: 'response.created', event_id: `e${events.length}`, response: { id, object: 'realtime.response', status: 'in_progress' } }))
    events.push(JSON.stringify({ type: 'output_audio_buffer.started', event_id: `e${events.length}`, response_id: id }))
    for (let i = 0; i < 40; i++) {
      events.push(JSON.stringify({ type: 'response.output_audio_transcript.delta', event_id: `e${events.length}`, response_id: id, item_id: item, output_index: 0, content_index: 0, delta: `word${i} and more ` }))
    }
    events.push(JSON.stringify({ type: 'response.output_audio_transcript.done', event_id: `e${events.length}`, response_id: id, item_id: item, output_index: 0, content_index: 0, transcript: 'the whole answer' }))
    events.push(JSON.stringify({ type: 'response.done', event_id: `e${events.length}`, response: { id, status: 'completed', usage: { input_tokens: 300, output_tokens: 120, input_token_details: { text_tokens: 200, audio_tokens: 100, cached_tokens: 64, cached_tokens_details: { text_tokens: 64 } }, output_token_details: { text_tokens: 30, audio_tokens: 90 } } } }))
    events.push(JSON.stringify({ type: 'output_audio_buffer.stopped', event_id: `e${events.length}`, response_id: id }))
  }
  return events.slice(0, count)
}

/** A message transport as recordRealtime sees a WebSocket or data channel: `send`, `message`, `close`. */
class Transport extends EventTarget {
  send(_data: string): void {}
}

const nextTask = () => new Promise<void>((resolve) => {
  const channel = new MessageChannel()
  channel.port1.onmessage = () => resolve()
  channel.port2.postMessage(null)
})

let db = 0

interface Prepared {
  events: MessageEvent[]
  transport: Transport
  parsed: { count: number }
  recorder?: Recorder
  sessionId: string
  dbName: string
  stop(): Promise<void>
}
let prepared: Prepared | undefined

/**
 * `count` server events for the app's `message` listener (which parses them, as every app
 * does), with or without recordRealtime on the transport and a recorder started.
 */
async function prepare(count: number, recorded: boolean): Promise<void> {
  const events = serverEvents(count).map((data) => new MessageEvent('message', { data }))
  const transport = new Transport()
  const parsed = { count: 0 }
  transport.addEventListener('message', (event) => {
    if (JSON.parse((event as MessageEvent).data as string).type) parsed.count++
  })
  prepared = { events, transport, parsed, sessionId: '', dbName: '', stop: async () => {} }
  if (recorded) {
    prepared.dbName = `bench-realtime-${++db}-${Date.now()}`
    prepared.recorder = createRecorder({ dbName: prepared.dbName, consent: { mode: 'none' } })
    prepared.sessionId = (await prepared.recorder.start()).id
    await prepared.recorder.flush()
    const recording = recordRealtime(prepared.recorder, transport as unknown as WebSocket)
    prepared.stop = () => recording.stop()
  }
}

/** Delivers the prepared events, `perTask` per task; each slice is timed from its start until the next task starts, so the microtasks it queued count. */
async function burst(perTask: number): Promise<{ msPerEvent: number }> {
  const { events, transport, parsed } = prepared!
  let total = 0
  for (let i = 0; i < events.length; i += perTask) {
    const start = performance.now()
    for (let j = i; j < Math.min(events.length, i + perTask); j++) transport.dispatchEvent(events[j]!)
    await nextTask()
    total += performance.now() - start
  }
  if (parsed.count !== events.length) throw new Error(`the app parsed ${parsed.count} of ${events.length}`)
  return { msPerEvent: total / events.length }
}

/** Stops recording, waits until durable; how many events the recorder stored. */
async function finish(): Promise<{ recordedEvents: number }> {
  const { recorder, sessionId, dbName, stop } = prepared!
  prepared = undefined
  if (!recorder) return { recordedEvents: 0 }
  await stop()
  await recorder.flush()
  const recordedEvents = (await recorder.sessions.events(sessionId)).length
  await recorder.close()
  indexedDB.deleteDatabase(dbName)
  return { recordedEvents }
}

/** One two-way voice session with the mock peer (the scripted conversation, both voices), recorded or not. Resolves when it is over. */
async function session(recorded: boolean): Promise<{ ms: number; events: number }> {
  const start = performance.now()
  const mic = new AudioContext()
  const destination = mic.createMediaStreamDestination()
  const tone = new OscillatorNode(mic, { frequency: 440 })
  tone.connect(new GainNode(mic, { gain: 0.3 })).connect(destination)
  tone.start()
  let recorder: Recorder | undefined
  let sessionId = ''
  let dbName = ''
  const app = new RTCPeerConnection()
  let recording: { stop(): Promise<void> } | undefined
  if (recorded) {
    dbName = `bench-realtime-${++db}-${Date.now()}`
    recorder = createRecorder({ dbName, consent: { mode: 'none', audio: 'none' } })
    sessionId = (await recorder.start()).id
    recording = recordRealtime(recorder, app)
  }
  app.addTrack(destination.stream.getAudioTracks()[0]!, destination.stream)
  const speaker = new Audio()
  app.addEventListener('track', (event) => {
    speaker.srcObject = event.streams[0] ?? new MediaStream([event.track])
    void speaker.play().catch(() => {})
  })
  const channel = app.createDataChannel('oai-events')
  channel.addEventListener('message', (event) => JSON.parse(event.data as string))
  const peer = await createMockRealtimePeer()
  await peer.connect(app)
  await peer.run(CONVERSATION, channel)
  let events = 0
  if (recorder && recording) {
    await recording.stop()
    await recorder.flush()
    events = (await recorder.sessions.events(sessionId)).length
    await recorder.close()
    indexedDB.deleteDatabase(dbName)
  }
  speaker.pause()
  app.close()
  await peer.close()
  await mic.close()
  return { ms: performance.now() - start, events }
}

const bench = { prepare, burst, finish, session }
Object.assign(window, { realtimeBench: bench })
document.getElementById('start')!.addEventListener('click', () => (document.body.dataset.ready = 'true'))
