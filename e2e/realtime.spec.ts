// Realtime voice end to end, in a disk-backed profile: a tab closed in the middle of the
// assistant's answer keeps and uploads everything recorded so far (the answer recorded as cut
// off), and a script-tag page records a realtime session with `Tapedeck.recordRealtime`.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, expect, test, type BrowserContext } from '@playwright/test'
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs'
import { startRealtimeSocketRelay } from '../packages/core/test/realtimeSocketSetup'
import { BASE_URL } from './fixtures'
import { startSyncTarget, type SyncTarget } from './support/server'

test.describe.configure({ timeout: 120_000 })

let target: SyncTarget
let context: BrowserContext
let dir: string
test.beforeEach(async () => {
  target = await startSyncTarget()
  dir = mkdtempSync(join(tmpdir(), 'tapedeck-realtime-'))
  const executablePath = findChromium()
  // Web Audio plays without a click: the mock peer's voice and the "microphone" are generated in the page.
  context = await chromium.launchPersistentContext(dir, {
    headless: true,
    ...(executablePath && { executablePath }),
    args: [...CHROMIUM_ARGS, '--autoplay-policy=no-user-gesture-required'],
    baseURL: BASE_URL,
  })
})
test.afterEach(async () => {
  await context.close()
  await target.close()
  rmSync(dir, { recursive: true, force: true })
})

async function open(path: string) {
  const page = await context.newPage()
  await page.goto(path)
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' })
  return page
}

type Data = Record<string, any>
const of = (events: Array<{ type: string; data: Data }>, type: string) => events.filter((event) => event.type === type).map((event) => event.data)

test('the tab closed in the middle of an assistant answer: everything said so far is kept and uploaded, the answer recorded as cut off', async () => {
  const page = await open('/realtime/index.html')
  // The conversation up to the first words of the story the assistant is telling (response resp_3), and no further.
  const steps = (await page.evaluate(() => window.realtime.stepIndex('response.output_audio_transcript.delta', 'response_id', 'resp_3'))) + 1
  const id = await page.evaluate(([endpoint, steps]) => window.realtime.call(endpoint, steps), [target.proxy.url, steps] as const)
  await page.close({ runBeforeUnload: true })
  const before = await target.events(id)
  console.log(`realtime, tab closed mid-answer: ${before.length} events on the server before the page was opened again`)

  // The next visit uploads what the closed tab left durable.
  const again = await open('/realtime/index.html')
  await again.evaluate((endpoint) => window.realtime.ready(endpoint), target.proxy.url)
  await expect.poll(async () => of(await target.events(id), 'provider.call.completed').length, { timeout: 30_000 }).toBe(3)
  const events = (await target.events(id)) as Array<{ seq: number; type: string; data: Data }>
  expect(events.map((event) => event.seq)).toEqual([...events.keys()])

  expect(of(events, 'transcript.segment').map(({ speaker, text, final, interrupted }) => ({ speaker, text, final, interrupted }))).toEqual([
    { speaker: 'user', text: "What's the weather in Paris?", final: true, interrupted: undefined },
    { speaker: 'assistant', text: 'It is 18 degrees and clear in Paris.', final: true, interrupted: undefined },
    { speaker: 'user', text: 'Tell me a long story.', final: true, interrupted: undefined },
    // What the assistant had said when the tab closed.
    { speaker: 'assistant', text: 'Once upon a time, ', final: false, interrupted: true },
  ])
  expect(of(events, 'provider.call.completed').map((call) => [call.callId, call.finishReason, call.abortReason ?? null, call.response?.text])).toEqual([
    ['resp_1', 'tool_calls', null, ''],
    ['resp_2', 'stop', null, 'It is 18 degrees and clear in Paris.'],
    ['resp_3', 'aborted', 'page-left', 'Once upon a time, '],
  ])
  expect(of(events, 'tool.call.completed')).toMatchObject([{ toolCallId: 'call_1', name: 'get_weather', result: { tempC: 18, sky: 'clear' } }])
  // Both voices: the audio slices stored before the close are on the server, bytes and all.
  for (const track of ['audio.input', 'audio.output']) {
    const parts = of(events, track)
    expect(parts.length, track).toBeGreaterThan(0)
    await expect
      .poll(async () => {
        const sizes = await Promise.all(parts.map(async (part) => (await fetch(`${target.proxy.url}/v1/sessions/${id}/blobs/${part.blobId}/${part.part}`)).arrayBuffer().then((body) => body.byteLength)))
        return sizes.every((size, i) => size === parts[i]!.bytes)
      }, { timeout: 30_000 })
      .toBe(true)
  }
  await again.close()
})

test('over a WebSocket, the tab closed in the middle of an answer: everything said and heard so far is kept and uploaded, both voices included, nothing of the answer not yet heard', async () => {
  const relay = await startRealtimeSocketRelay()
  try {
    const page = await open('/realtime/index.html')
    // The conversation up to the first words of the story (resp_3); then 3 s of its audio sent at once, 1.6 s of it heard.
    const steps = (await page.evaluate(() => window.realtime.socketStepIndex('response.output_audio_transcript.delta', 'response_id', 'resp_3'))) + 1
    const { id, micMs } = await page.evaluate(([endpoint, relay, steps]) => window.realtime.socketCall(endpoint, relay, steps, 3000, 1600), [target.proxy.url, relay.url, steps] as const)
    await page.close({ runBeforeUnload: true })

    const again = await open('/realtime/index.html')
    await again.evaluate((endpoint) => window.realtime.ready(endpoint), target.proxy.url)
    await expect.poll(async () => of(await target.events(id), 'provider.call.completed').length, { timeout: 30_000 }).toBe(3)
    const events = (await target.events(id)) as Array<{ seq: number; type: string; data: Data }>
    expect(events.map((event) => event.seq)).toEqual([...events.keys()])
    expect(of(events, 'transcript.segment').map(({ speaker, text, final }) => ({ speaker, text, final }))).toEqual([
      { speaker: 'user', text: "What's the weather in Paris?", final: true },
      { speaker: 'assistant', text: 'It is 18 degrees and clear in Paris.', final: true },
      { speaker: 'user', text: 'Tell me a long story.', final: true },
      { speaker: 'assistant', text: 'Once upon a time, ', final: false },
    ])
    expect(of(events, 'provider.call.completed').map((call) => [call.callId, call.finishReason, call.abortReason ?? null])).toEqual([
      ['resp_1', 'tool_calls', null],
      ['resp_2', 'stop', null],
      ['resp_3', 'aborted', 'page-left'],
    ])

    // Both voices, as WAV parts: the microphone streamed for the whole call, less the second in progress.
    await expect.poll(async () => of(await target.events(id), 'audio.input').length, { timeout: 30_000 }).toBeGreaterThan(0)
    const all = (await target.events(id)) as Array<{ type: string; data: Data }>
    const input = of(all, 'audio.input')
    const output = of(all, 'audio.output')
    const total = (parts: Data[]) => parts.reduce((sum, part) => sum + part.durationMs, 0)
    console.log(`realtime over a WebSocket, tab closed mid-answer: ${micMs} ms of microphone sent; stored ${input.length} input parts (${total(input)} ms), ${output.length} output parts (${total(output)} ms)`)
    // All but the part in progress (up to a second, and the tail of a run the timer broke).
    expect(total(input)).toBeGreaterThan(micMs - 1300)
    expect(total(input)).toBeLessThanOrEqual(micMs)
    // The story's audio: its first second, heard before the close; never the 1.4 s not yet played.
    const story = output.filter((part) => part.startT > of(all, 'transcript.segment')[2]!.endT)
    expect(total(story)).toBeGreaterThanOrEqual(1000)
    expect(total(story)).toBeLessThanOrEqual(1700)
    for (const part of [...input, ...output]) expect(part).toMatchObject({ mimeType: 'audio/wav', sampleRate: 24_000 })
    await expect
      .poll(async () => {
        const sizes = await Promise.all([...input, ...output].map(async (part) => (await fetch(`${target.proxy.url}/v1/sessions/${id}/blobs/${part.blobId}/${part.part}`)).arrayBuffer().then((body) => body.byteLength)))
        return sizes.every((size, i) => size === [...input, ...output][i]!.bytes)
      }, { timeout: 30_000 })
      .toBe(true)
    await again.close()
  } finally {
    await relay.close()
  }
})

test('a script-tag page: Tapedeck.recordRealtime loads tapedeck-realtime.js on first use and records the session', async () => {
  const page = await context.newPage()
  const requests: string[] = []
  page.on('request', (request) => requests.push(new URL(request.url()).pathname))
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto('/widget/realtime.html')
  await expect.poll(() => page.evaluate(() => window.Tapedeck.init().getSnapshot().state)).toBe('recording')
  expect(requests).not.toContain('/tapedeck-realtime.js')
  const stored = await page.evaluate(async () => {
    const recorder = window.Tapedeck.init()
    const app = new RTCPeerConnection()
    const recording = await window.Tapedeck.recordRealtime(recorder, app, { audio: false })
    const channel = app.createDataChannel('oai-events')
    // The other side: a second peer connection that sends Realtime server events.
    const peer = new RTCPeerConnection()
    app.onicecandidate = (event) => void peer.addIceCandidate(event.candidate ?? undefined)
    peer.onicecandidate = (event) => void app.addIceCandidate(event.candidate ?? undefined)
    const server = new Promise<RTCDataChannel>((resolve) => (peer.ondatachannel = (event) => event.channel.addEventListener('open', () => resolve(event.channel))))
    await app.setLocalDescription(await app.createOffer())
    await peer.setRemoteDescription(app.localDescription!)
    await peer.setLocalDescription(await peer.createAnswer())
    await app.setRemoteDescription(peer.localDescription!)
    const send = await server
    let received = 0
    channel.onmessage = () => received++
    const events = [
      { type: 'session.created', session: { model: 'gpt-realtime' } },
      { type: 'response.created', response: { id: 'r1' } },
      { type: 'response.output_audio_transcript.delta', response_id: 'r1', item_id: 'a1', delta: 'Hello ' },
      { type: 'response.output_audio_transcript.done', response_id: 'r1', item_id: 'a1', transcript: 'Hello there.' },
      { type: 'response.done', response: { id: 'r1', status: 'completed', usage: { input_tokens: 10, output_tokens: 5, input_token_details: { text_tokens: 10 }, output_token_details: { audio_tokens: 5 } } } },
    ]
    for (const event of events) send.send(JSON.stringify(event))
    while (received < events.length) await new Promise((resolve) => setTimeout(resolve, 20))
    await recording.stop()
    await recorder.flush()
    app.close()
    peer.close()
    return (await recorder.sessions.events(recorder.getSnapshot().session!.id)).map((event) => ({ type: event.type, data: event.data as Record<string, any> }))
  })
  expect(requests.filter((path) => path === '/tapedeck-realtime.js')).toHaveLength(1)
  expect(of(stored, 'transcript.segment')).toMatchObject([{ speaker: 'assistant', text: 'Hello there.', final: true }])
  expect(of(stored, 'provider.call.completed')).toMatchObject([{ callId: 'r1', model: 'gpt-realtime', finishReason: 'stop', usage: { inputTokens: 10, outputTokens: 5 } }])
  // gpt-realtime: 10 text tokens in at 4, 5 audio tokens out at 64 per million.
  expect(of(stored, 'provider.call.completed')[0]!.costUsd).toBeCloseTo((10 * 4 + 5 * 64) / 1e6, 12)
  expect(errors).toEqual([])
})
