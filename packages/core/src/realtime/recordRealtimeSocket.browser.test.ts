// recordRealtime over a WebSocket in Chromium: the app's socket talks to a mock Realtime server on
// loopback (packages/core/test/realtimeSocketSetup.ts, a relay the test drives), a scripted
// conversation runs, and what the recorder stored is read back from IndexedDB.
import { afterEach, describe, expect, inject, test } from 'vitest'
import type { TapedeckEvent } from '../events/catalogue'
import { closeAll, recorderFor, uniqueDb, waitFor } from '../../test/browser'
import { recordRealtime } from './recordRealtime'
import { recordRealtimeEvents } from './recordRealtimeEvents'
import type { ScriptStep } from './testing/createMockRealtimePeer'
import { SOCKET_CONVERSATION } from './testing/socketConversation'
import { MODEL } from './testing/conversationScript'

const closing: Array<() => unknown> = []
afterEach(async () => {
  for (const close of closing.splice(0)) await close()
  await closeAll()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function open(url: string): Promise<WebSocket> {
  const socket = new WebSocket(url)
  closing.push(() => socket.close())
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true })
    socket.addEventListener('error', reject, { once: true })
  })
  return socket
}

/** The app's socket and the test's control socket of one room of the mock server. */
async function connect() {
  const room = crypto.randomUUID()
  const control = await open(`${inject('realtimeSocket')}/control?room=${room}`)
  const app = await open(`${inject('realtimeSocket')}/v1/realtime?model=${MODEL}&room=${room}`)
  const serverReceived: string[] = []
  control.addEventListener('message', (message) => serverReceived.push(String(message.data)))
  const appReceived: Array<{ data: string; at: number }> = []
  app.addEventListener('message', (message) => appReceived.push({ data: String(message.data), at: performance.now() }))
  return { app, control, serverReceived, appReceived }
}

/** Plays the script: server events through the control socket, client events on the app's socket. Resolves when all arrived. */
async function play(script: readonly ScriptStep[], sockets: Awaited<ReturnType<typeof connect>>) {
  const sentAt: number[] = []
  const serverSteps = script.filter((step) => 'server' in step).length
  const clientSteps = script.filter((step) => 'client' in step).length
  for (const step of script) {
    if (step.after) await sleep(step.after)
    if ('server' in step) sockets.control.send(JSON.stringify(step.server))
    else if ('client' in step) sockets.app.send(JSON.stringify(step.client))
    sentAt.push(performance.now())
  }
  await waitFor(() => [sockets.appReceived.length, sockets.serverReceived.length], ([a, s]) => a === serverSteps && s === clientSteps)
  return sentAt
}

const ofType = (events: TapedeckEvent[], type: string) => events.filter((event) => event.type === type).map((event) => event.data as Record<string, unknown>)

async function converse(record: boolean) {
  const recorder = recorderFor(uniqueDb())
  const session = await recorder.start()
  const sockets = await connect()
  const recording = record ? recordRealtime(recorder, sockets.app) : undefined
  const sentAt = await play(SOCKET_CONVERSATION, sockets)
  await recording?.stop()
  await recorder.flush()
  const events = await recorder.sessions.events(session.id)
  const startedAt = recorder.getSnapshot().session!.startedAt!
  /** Session time the app saw the server event of step `index`, or sent its client event. */
  const at = (match: (step: ScriptStep) => boolean) => {
    const index = SOCKET_CONVERSATION.findIndex(match)
    const step = SOCKET_CONVERSATION[index]!
    const nth = SOCKET_CONVERSATION.slice(0, index).filter((previous) => 'server' in previous).length
    return performance.timeOrigin + ('server' in step ? sockets.appReceived[nth]!.at : sentAt[index]!) - startedAt
  }
  return { events, at, sockets, stats: recording?.stats, recorder }
}

const server = (type: string, extra: Record<string, unknown> = {}) => (step: ScriptStep) =>
  'server' in step && step.server.type === type && Object.entries(extra).every(([key, value]) => (step as { server: Record<string, unknown> }).server[key] === value)
const near = (actual: unknown, expected: number) => {
  expect(typeof actual).toBe('number')
  expect(Math.abs((actual as number) - expected)).toBeLessThan(15)
}

describe('recordRealtime over a WebSocket', () => {
  test('a scripted conversation against a loopback Realtime server: transcripts, calls with usage, cost and turn latency, a tool call, a barge-in, an error', async () => {
    const { events, at, stats } = await converse(true)
    expect(stats!.errors).toBe(0)
    expect(ofType(events, 'transcript.segment').map(({ speaker, text, final }) => ({ speaker, text, final }))).toEqual([
      { speaker: 'user', text: "What's the weather in Paris?", final: true },
      { speaker: 'assistant', text: 'It is 18 degrees and clear in Paris.', final: true },
      { speaker: 'user', text: 'Tell me a long story.', final: true },
      { speaker: 'assistant', text: 'Once upon a time, ', final: false },
      { speaker: 'user', text: 'Stop, thanks.', final: true },
    ])
    const calls = ofType(events, 'provider.call.completed')
    expect(calls.map((call) => [call.callId, call.model, call.finishReason, call.costUsd])).toEqual([
      ['resp_1', MODEL, 'tool_calls', 0.0036096],
      ['resp_2', MODEL, 'stop', 0.0087712],
      ['resp_3', MODEL, 'aborted', 0.0061632],
    ])
    // Over a socket the first audio of an answer is its first audio delta.
    const firstAudio = (id: string) => at(server('response.output_audio.delta', { response_id: id }))
    near(calls[1]!.turnLatencyMs, firstAudio('resp_2') - at(server('input_audio_buffer.speech_stopped', { item_id: 'item_u1' })))
    near(calls[2]!.turnLatencyMs, firstAudio('resp_3') - at(server('input_audio_buffer.speech_stopped', { item_id: 'item_u2' })))
    expect(ofType(events, 'tool.call.completed')).toMatchObject([{ toolCallId: 'call_1', name: 'get_weather', result: { tempC: 18, sky: 'clear' } }])
    const [interrupted] = ofType(events, 'turn.interrupted')
    expect(interrupted).toMatchObject({ reason: 'user-speech', callId: 'resp_3' })
    near(interrupted!.atT, at(server('input_audio_buffer.speech_started', { item_id: 'item_u3' })))
    expect(ofType(events, 'error.raised')).toMatchObject([{ code: 'invalid_value', source: 'realtime', clientEventId: 'evt_bad' }])
    // Audio deltas and appends are not stored as events (audio is recorded as audio).
    expect(JSON.stringify(events)).not.toContain('input_audio_buffer.append')
  }, 20_000)

  test("the socket's traffic is byte-identical with and without recording, and stop() gives the app its own send back", async () => {
    const plain = await converse(false)
    const recorded = await converse(true)
    expect(ofType(recorded.events, 'transcript.segment')).toHaveLength(5)
    expect(recorded.sockets.serverReceived).toEqual(plain.sockets.serverReceived)
    expect(recorded.sockets.appReceived.map((message) => message.data)).toEqual(plain.sockets.appReceived.map((message) => message.data))
    expect(plain.sockets.serverReceived).toHaveLength(SOCKET_CONVERSATION.filter((step) => 'client' in step).length)
    expect(Object.prototype.hasOwnProperty.call(recorded.sockets.app, 'send')).toBe(false)
    expect(recorded.sockets.app.send).toBe(WebSocket.prototype.send)
  }, 20_000)

  test('the server closing the socket mid-answer records the answer as aborted, with what was said so far', async () => {
    const recorder = recorderFor(uniqueDb())
    const session = await recorder.start()
    const sockets = await connect()
    recordRealtime(recorder, sockets.app)
    const cut = SOCKET_CONVERSATION.findIndex((step) => 'server' in step && step.server.type === 'input_audio_buffer.speech_started' && step.server.item_id === 'item_u3')
    await play(SOCKET_CONVERSATION.slice(0, cut), sockets)
    const closed = new Promise((resolve) => sockets.app.addEventListener('close', resolve, { once: true }))
    sockets.control.close()
    await closed
    await recorder.flush()
    const events = await recorder.sessions.events(session.id)
    expect(ofType(events, 'provider.call.completed').at(-1)).toMatchObject({ callId: 'resp_3', finishReason: 'aborted', abortReason: 'socket-closed', response: { text: 'Once upon a time, ' } })
    expect(ofType(events, 'transcript.segment').at(-1)).toMatchObject({ speaker: 'assistant', text: 'Once upon a time, ', final: false, interrupted: true })
  }, 20_000)

  test('recordRealtimeEvents folds the events an app hands over, as objects or JSON text', async () => {
    const recorder = recorderFor(uniqueDb())
    const session = await recorder.start()
    const recording = recordRealtimeEvents(recorder)
    for (const step of SOCKET_CONVERSATION) {
      if ('server' in step) recording.server(JSON.stringify(step.server))
      else if ('client' in step) recording.client(step.client)
    }
    recording.stop()
    await recorder.flush()
    const events = await recorder.sessions.events(session.id)
    expect(ofType(events, 'transcript.segment')).toHaveLength(5)
    expect(ofType(events, 'provider.call.completed').map((call) => call.finishReason)).toEqual(['tool_calls', 'stop', 'aborted'])
    expect(recording.stats.errors).toBe(0)
  })

  test('the tab closing mid-answer (pagehide): the answer is recorded at once as aborted, with what was said', async () => {
    // A recorder of our own: the test page's pagehide must not reach a real one. (e2e/realtime.spec.ts closes a real tab.)
    const recorded: Array<{ type: string; data: Record<string, unknown> }> = []
    const recorder = {
      record: (type: string, data: unknown) => (recorded.push({ type, data: data as Record<string, unknown> }), true),
      getSnapshot: () => ({ state: 'recording', session: { startedAt: performance.timeOrigin } }),
      audio: {},
    }
    const sockets = await connect()
    const recording = recordRealtime(recorder as never, sockets.app)
    closing.push(() => recording.stop())
    const cut = SOCKET_CONVERSATION.findIndex((step) => 'server' in step && step.server.type === 'input_audio_buffer.speech_started' && step.server.item_id === 'item_u3')
    await play(SOCKET_CONVERSATION.slice(0, cut), sockets)
    const before = recorded.length
    window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }))
    expect(recorded.slice(before).map((event) => event.type)).toEqual(['transcript.segment', 'provider.call.completed'])
    expect(recorded.at(-1)!.data).toMatchObject({ callId: 'resp_3', finishReason: 'aborted', abortReason: 'page-left', response: { text: 'Once upon a time, ' } })
    expect(recorded.at(-2)!.data).toMatchObject({ speaker: 'assistant', text: 'Once upon a time, ', final: false, interrupted: true })
  })
})
