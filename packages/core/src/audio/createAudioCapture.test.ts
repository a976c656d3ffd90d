// The ordering and timing logic of audio capture, against a small MediaRecorder double. What
// MediaRecorder, getUserMedia and IndexedDB really do is tested in Chromium
// (createAudioCapture.browser.test.ts, e2e/voice.spec.ts).
import { describe, expect, test } from 'vitest'
import { TapedeckError, type ErrorInfo } from '../errors'
import type { AudioPartData } from '../events/catalogue'
import type { AudioHost } from './AudioHost'
import { createAudioCapture } from './createAudioCapture'

/** A slice whose bytes become readable when the test says so, out of order if it likes. */
class Slice {
  readonly size: number
  private release!: () => void
  private readonly ready = new Promise<void>((resolve) => (this.release = resolve))
  constructor(readonly label: number, readable = true) {
    this.size = 4
    if (readable) this.release()
  }
  open(): void {
    this.release()
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    await this.ready
    return new Uint8Array([this.label, 0, 0, 0]).buffer
  }
}

class FakeTrack extends EventTarget {
  readyState: 'live' | 'ended' = 'live'
  readonly kind = 'audio'
  stop(): void {
    this.readyState = 'ended'
  }
  end(): void {
    this.readyState = 'ended'
    this.dispatchEvent(new Event('ended'))
  }
}

function fakeStream(track = new FakeTrack()) {
  return { track, getAudioTracks: () => [track], getTracks: () => [track] } as unknown as MediaStream & { track: FakeTrack }
}

class FakeMediaRecorder extends EventTarget {
  static last: FakeMediaRecorder | undefined
  static supported = ['audio/webm;codecs=opus']
  static isTypeSupported = (type: string) => FakeMediaRecorder.supported.includes(type)
  state: 'inactive' | 'recording' | 'paused' = 'inactive'
  mimeType: string
  timeslice: number | undefined
  /** What stop() and requestData() hand over. */
  pending: Slice[] = []
  constructor(
    readonly stream: MediaStream,
    options: { mimeType?: string } = {},
  ) {
    super()
    this.mimeType = options.mimeType ?? ''
    FakeMediaRecorder.last = this
  }
  start(timeslice?: number): void {
    this.state = 'recording'
    this.timeslice = timeslice
    setTimeout(() => this.dispatchEvent(new Event('start')), 0)
  }
  emit(slice: Slice): void {
    this.dispatchEvent(Object.assign(new Event('dataavailable'), { data: slice }))
  }
  requestData(): void {
    const slices = this.pending.splice(0)
    setTimeout(() => slices.forEach((slice) => this.emit(slice)), 0)
  }
  pause(): void {
    this.state = 'paused'
  }
  resume(): void {
    this.state = 'recording'
  }
  stop(): void {
    this.state = 'inactive'
    const slices = this.pending.splice(0)
    setTimeout(() => {
      slices.forEach((slice) => this.emit(slice))
      this.dispatchEvent(new Event('stop'))
    }, 0)
  }
}

interface Attached {
  label: number
  options: Parameters<AudioHost['attach']>[1]
}

function testHost(overrides: Partial<AudioHost> = {}) {
  const state = { t: 1000 as number | null, allowed: true }
  const attached: Attached[] = []
  const recorded: Array<{ type: string; data: AudioPartData }> = []
  const reported: ErrorInfo[] = []
  let ids = 0
  const host: AudioHost = {
    attach: async (data, options) => {
      attached.push({ label: new Uint8Array(data)[0]!, options })
    },
    record: (type, data) => void recorded.push({ type, data }),
    sessionTime: () => state.t,
    audioAllowed: () => state.allowed,
    report: (error) => void reported.push(error),
    newId: (prefix) => `${prefix}${++ids}`,
    ...overrides,
  }
  return { host, state, attached, recorded, reported }
}

const env = () => ({ MediaRecorder: FakeMediaRecorder as unknown as typeof MediaRecorder, getUserMedia: async () => fakeStream(), AudioContext: undefined })
const settle = () => new Promise((resolve) => setTimeout(resolve, 5))

describe('audio capture logic (MediaRecorder double)', () => {
  test('parts are stored and recorded in the order MediaRecorder handed them over, even when their bytes are read out of order', async () => {
    const { host, state, attached, recorded } = testHost()
    const capture = createAudioCapture(host, env())
    const status = await capture.start(fakeStream(), { timesliceMs: 1000 })
    expect(status).toMatchObject({ state: 'recording', mimeType: 'audio/webm;codecs=opus', blobId: 'a_1', startT: 1000, parts: 0 })
    const recorder = FakeMediaRecorder.last!
    expect(recorder.timeslice).toBe(1000)

    const slices = [new Slice(0, false), new Slice(1, false), new Slice(2)]
    for (const slice of slices) {
      state.t! += 1000
      recorder.emit(slice)
    }
    // The last slice is readable first, the first one last.
    slices[1]!.open()
    await settle()
    expect(attached).toEqual([])
    slices[0]!.open()
    recorder.pending.push(new Slice(3))
    state.t! += 400
    await capture.stop()

    expect(attached.map((a) => a.label)).toEqual([0, 1, 2, 3])
    expect(attached.map((a) => a.options.part)).toEqual([0, 1, 2, 3])
    expect(recorded.map((r) => r.data.part)).toEqual([0, 1, 2, 3])
    expect(recorded.every((r) => r.type === 'audio.input' && r.data.blobId === 'a_1' && r.data.bytes === 4)).toBe(true)
    expect(attached.map((a) => [a.options.startT, a.options.durationMs])).toEqual([[1000, 1000], [2000, 1000], [3000, 1000], [4000, 400]])
    expect(attached[0]!.options).toMatchObject({ track: 'input', mimeType: 'audio/webm;codecs=opus' })
    expect(capture.getSnapshot().input).toMatchObject({ state: 'off', parts: 4, durableParts: 4, blobId: 'a_1', error: null })
  })

  test('stop() resolves only after the last slice is stored', async () => {
    let finishAttach!: () => void
    const { host, attached } = testHost({
      attach: (data, options) =>
        new Promise((resolve) => {
          finishAttach = () => {
            attached.push({ label: new Uint8Array(data)[0]!, options })
            resolve(undefined)
          }
        }),
    })
    const capture = createAudioCapture(host, env())
    await capture.start(fakeStream())
    FakeMediaRecorder.last!.pending.push(new Slice(7))
    let stopped = false
    const stopping = capture.stop().then(() => (stopped = true))
    await settle()
    expect(stopped).toBe(false)
    expect(capture.getSnapshot().input).toMatchObject({ parts: 1, durableParts: 0 })
    finishAttach()
    await stopping
    expect(attached.map((a) => a.label)).toEqual([7])
    expect(capture.getSnapshot().input).toMatchObject({ state: 'off', parts: 1, durableParts: 1 })
  })

  test('pause() cuts the slice at the pause; the next part starts at resume, so no part spans the pause', async () => {
    const { host, state, attached } = testHost()
    const capture = createAudioCapture(host, env())
    await capture.start(fakeStream(), { track: 'output' })
    const recorder = FakeMediaRecorder.last!
    state.t = 1600
    recorder.pending.push(new Slice(0))
    capture.pause()
    expect(recorder.state).toBe('paused')
    expect(capture.getSnapshot().output.state).toBe('paused')
    state.t = 1700 // the cut slice arrives a little after the pause
    await settle()
    state.t = 5000
    capture.resume()
    expect(capture.getSnapshot().output.state).toBe('recording')
    state.t = 5500
    recorder.pending.push(new Slice(1))
    await capture.stop('output')
    expect(attached.map((a) => [a.options.part, a.options.startT, a.options.durationMs, a.options.track])).toEqual([
      [0, 1000, 600, 'output'],
      [1, 5000, 500, 'output'],
    ])
  })

  test('a part that cannot be stored is reported with its code; the track goes on and later parts are stored', async () => {
    let calls = 0
    const { host, attached, recorded, reported } = testHost()
    const store = host.attach
    host.attach = async (data, options) => {
      if (calls++ === 1) throw new TapedeckError('quota_exceeded', 'The disk is full.')
      return store(data, options)
    }
    const capture = createAudioCapture(host, env())
    await capture.start(fakeStream())
    const recorder = FakeMediaRecorder.last!
    for (const label of [0, 1, 2]) recorder.emit(new Slice(label))
    await capture.stop()
    expect(attached.map((a) => a.label)).toEqual([0, 2])
    expect(recorded.map((r) => r.data.part)).toEqual([0, 2])
    expect(reported).toHaveLength(1)
    expect(reported[0]).toMatchObject({ code: 'quota_exceeded' })
    expect(reported[0]!.message).toContain('part 1 of a_1')
    expect(capture.getSnapshot().input).toMatchObject({ state: 'off', parts: 3, durableParts: 2, error: { code: 'quota_exceeded' } })
  })

  test('a record() that throws (the session ended under the track) does not stop the parts from being stored', async () => {
    const { host, attached } = testHost({
      record: () => {
        throw new TapedeckError('no_active_session', 'No session.')
      },
    })
    const capture = createAudioCapture(host, env())
    await capture.start(fakeStream())
    FakeMediaRecorder.last!.emit(new Slice(0))
    FakeMediaRecorder.last!.pending.push(new Slice(1))
    await capture.stop()
    expect(attached.map((a) => a.label)).toEqual([0, 1])
  })

  test('slices that arrive after audio consent was withdrawn are not stored', async () => {
    const { host, state, attached } = testHost()
    const capture = createAudioCapture(host, env())
    await capture.start(fakeStream())
    FakeMediaRecorder.last!.emit(new Slice(0))
    await settle()
    state.allowed = false
    FakeMediaRecorder.last!.pending.push(new Slice(1))
    await capture.stopAll()
    expect(attached.map((a) => a.label)).toEqual([0])
  })

  test('the source ending stops the track with audio_failed; what was stored stays', async () => {
    const { host, attached, reported } = testHost()
    const capture = createAudioCapture(host, env())
    const stream = fakeStream()
    await capture.start(stream)
    FakeMediaRecorder.last!.emit(new Slice(0))
    FakeMediaRecorder.last!.pending.push(new Slice(1))
    stream.track.end()
    await settle()
    expect(capture.getSnapshot().input).toMatchObject({ state: 'off', parts: 2, durableParts: 2, error: { code: 'audio_failed' } })
    expect(attached.map((a) => a.label)).toEqual([0, 1])
    expect(reported.map((e) => e.code)).toEqual(['audio_failed'])
  })

  test('a microphone the capture opened is stopped at stop(); a stream the page passed is left running', async () => {
    const { host } = testHost()
    const microphone = fakeStream()
    const capture = createAudioCapture(host, { ...env(), getUserMedia: async () => microphone })
    await capture.start('microphone')
    const own = fakeStream()
    await capture.start(own, { track: 'output' })
    await capture.stop()
    expect(microphone.track.readyState).toBe('ended')
    expect(own.track.readyState).toBe('live')
  })

  test('starting a track that records already closes the first run (its last slice stored) and starts a new blob', async () => {
    const { host, attached } = testHost()
    const capture = createAudioCapture(host, env())
    await capture.start(fakeStream())
    FakeMediaRecorder.last!.pending.push(new Slice(0))
    const second = await capture.start(fakeStream())
    expect(second).toMatchObject({ state: 'recording', blobId: 'a_2', parts: 0 })
    expect(attached.map((a) => [a.label, a.options.blobId])).toEqual([[0, 'a_1']])
    await capture.stop()
  })

  test('stop() while the microphone prompt is open cancels the start; the stream that comes later is stopped', async () => {
    const { host } = testHost()
    const microphone = fakeStream()
    let grant!: () => void
    const capture = createAudioCapture(host, {
      ...env(),
      getUserMedia: () => new Promise<MediaStream>((resolve) => (grant = () => resolve(microphone))),
    })
    const starting = capture.start('microphone')
    await settle()
    expect(capture.getSnapshot().input.state).toBe('starting')
    await capture.stop()
    expect(capture.getSnapshot().input.state).toBe('off')
    grant()
    expect((await starting).state).toBe('off')
    expect(microphone.track.readyState).toBe('ended')
  })

  test('bad input rejects with invalid_options before anything starts', async () => {
    const { host } = testHost()
    const capture = createAudioCapture(host, env())
    await expect(capture.start(fakeStream(), { timesliceMs: 10 })).rejects.toMatchObject({ code: 'invalid_options' })
    await expect(capture.start(fakeStream(), { track: 'both' as never })).rejects.toMatchObject({ code: 'invalid_options' })
    await expect(capture.start(42 as never)).rejects.toMatchObject({ code: 'invalid_options' })
    expect(capture.getSnapshot().input.state).toBe('off')
  })

  test('no consent, no session, no MediaRecorder, no usable type: a status that says so, reported, never a throw', async () => {
    const cases = [
      { setup: (h: ReturnType<typeof testHost>) => (h.state.allowed = false), env: env(), state: 'no-consent', code: 'consent_required' },
      { setup: (h: ReturnType<typeof testHost>) => (h.state.t = null), env: env(), state: 'off', code: 'no_active_session' },
      { setup: () => {}, env: { ...env(), MediaRecorder: undefined }, state: 'unsupported', code: 'audio_unsupported' },
      { setup: () => {}, env: { ...env(), getUserMedia: undefined }, state: 'unsupported', code: 'audio_unsupported' },
    ]
    for (const c of cases) {
      const h = testHost()
      c.setup(h)
      const capture = createAudioCapture(h.host, c.env)
      const status = await capture.start('microphone')
      expect(status).toMatchObject({ state: c.state, error: { code: c.code } })
      expect(h.reported.map((e) => e.code)).toEqual([c.code])
      expect(capture.getSnapshot().input).toBe(status)
    }
    const saved = FakeMediaRecorder.supported
    FakeMediaRecorder.supported = []
    try {
      const h = testHost()
      expect(await createAudioCapture(h.host, env()).start('microphone')).toMatchObject({ state: 'unsupported', error: { code: 'audio_unsupported' } })
    } finally {
      FakeMediaRecorder.supported = saved
    }
  })

  test('subscribe() tells about every change; getSnapshot() is the same object until one', async () => {
    const { host } = testHost()
    const capture = createAudioCapture(host, env())
    const before = capture.getSnapshot()
    expect(capture.getSnapshot()).toBe(before)
    const states: string[] = []
    const unsubscribe = capture.subscribe(() => states.push(capture.getSnapshot().input.state))
    await capture.start(fakeStream())
    await capture.stop()
    unsubscribe()
    expect(states[0]).toBe('starting')
    expect(states).toContain('recording')
    expect(states.at(-1)).toBe('off')
    expect(capture.getSnapshot().output).toBe(before.output)
  })
})
