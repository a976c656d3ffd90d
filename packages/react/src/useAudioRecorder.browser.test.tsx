import type { ReactNode } from 'react'
import { act, renderHook } from '@testing-library/react'
import { afterEach, beforeAll, expect, test } from 'vitest'
import { clickToAllowAudio, sineWav, toneStream } from '../../core/test/audio'
import type { AudioTrack, RecorderOptions } from '@tapedeck/core'
import { cleanupAll, uniqueDb, waitFor } from '../test/helpers'
import { RecorderProvider } from './RecorderProvider'
import { useAudioRecorder, type AudioRecorderOptions } from './useAudioRecorder'
import { useConsent } from './useConsent'
import { useRecorder } from './useRecorder'

const restore: Array<() => void> = []
beforeAll(clickToAllowAudio)
afterEach(async () => {
  for (const undo of restore.splice(0)) undo()
  await cleanupAll()
})

/** A live audio stream with no microphone: an oscillator. */
async function tone(): Promise<MediaStream> {
  const { stream, close } = await toneStream()
  restore.push(() => void close())
  return stream
}

/** An `<audio>` element playing two seconds of a sine (a WAV made here): the assistant speaking. */
async function speakingElement(): Promise<HTMLAudioElement> {
  const url = URL.createObjectURL(sineWav(440, 2, 16_000, 8000))
  const element = new Audio(url)
  document.body.append(element)
  restore.push(() => {
    element.pause()
    element.remove()
    URL.revokeObjectURL(url)
  })
  await element.play()
  return element
}

function renderAudio(options: AudioRecorderOptions = {}, recorderOptions: RecorderOptions = { dbName: uniqueDb() }) {
  const wrapper = ({ children }: { children: ReactNode }) => <RecorderProvider options={recorderOptions}>{children}</RecorderProvider>
  const hook = renderHook(() => ({ audio: useAudioRecorder(options), consent: useConsent(), recorder: useRecorder() }), { wrapper })
  return { ...hook, current: () => hook.result.current }
}

test('without audio consent, start() resolves with no-consent instead of throwing; after grant({ audio: true }) it records, durably, slice by slice', async () => {
  const { current } = renderAudio({ timesliceMs: 200 })
  const { recorder } = current()
  const { id } = await act(() => recorder.start())
  expect(current().consent).toMatchObject({ state: 'not-required', scopes: { audio: false } })

  const refused = await act(async () => current().audio.start(await tone()))
  expect(refused.state).toBe('no-consent')
  expect(current().audio).toMatchObject({ state: 'no-consent', active: false, error: { code: 'consent_required' } })

  await act(() => current().consent.grant({ audio: true }))
  expect(current().consent.scopes.audio).toBe(true)
  const started = await act(async () => current().audio.start(await tone()))
  expect(started.state).toBe('recording')
  expect(current().audio).toMatchObject({ state: 'recording', active: true, error: null })
  await waitFor(() => expect(current().audio.status.durableParts).toBeGreaterThanOrEqual(2))

  act(() => current().audio.pause())
  expect(current().audio.state).toBe('paused')
  act(() => current().audio.resume())
  expect(current().audio.state).toBe('recording')

  await act(() => current().audio.stop())
  const { status } = current().audio
  expect(status.state).toBe('off')
  const parts = (await recorder.sessions.blobs(id)).filter((b) => b.track === 'input')
  expect(parts.length).toBeGreaterThanOrEqual(2)
  expect(parts.every((part) => part.blobId === parts[0]!.blobId && part.size > 0)).toBe(true)
  const events = (await recorder.sessions.events(id)).filter((e) => e.type === 'audio.input')
  expect(events.map((e) => (e.data as { part: number }).part)).toEqual(parts.map((p) => p.part))
})

test('a refused microphone is state denied with audio_denied, not an exception', async () => {
  const original = navigator.mediaDevices.getUserMedia
  navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'))
  restore.push(() => {
    navigator.mediaDevices.getUserMedia = original
  })
  const { current } = renderAudio()
  await act(() => current().recorder.start())
  await act(() => current().consent.grant({ audio: true }))
  const result = await act(() => current().audio.start()) // 'microphone' by default
  expect(result.state).toBe('denied')
  expect(current().audio).toMatchObject({ state: 'denied', active: false, error: { code: 'audio_denied' } })
})

test('a browser without MediaRecorder is state unsupported with audio_unsupported, not an exception', async () => {
  const original = window.MediaRecorder
  // @ts-expect-error the browser this test stands for has none
  delete window.MediaRecorder
  restore.push(() => {
    window.MediaRecorder = original
  })
  const { current } = renderAudio()
  await act(() => current().recorder.start())
  await act(() => current().consent.grant({ audio: true }))
  const result = await act(async () => current().audio.start(await tone()))
  expect(result.state).toBe('unsupported')
  expect(current().audio).toMatchObject({ state: 'unsupported', active: false, error: { code: 'audio_unsupported' } })
})

test('the output track records an assistant <audio> element and leaves the input track alone', async () => {
  const { current } = renderAudio({ track: 'output', timesliceMs: 200 })
  const { recorder } = current()
  const { id } = await act(() => recorder.start())
  await act(() => current().consent.grant({ audio: true }))
  const element = await speakingElement()
  await act(() => current().audio.start(element))
  expect(recorder.getSnapshot().audio).toMatchObject({ output: { state: 'recording' }, input: { state: 'off' } })
  await waitFor(() => expect(current().audio.status.durableParts).toBeGreaterThanOrEqual(1))
  await act(() => current().audio.stop())
  expect((await recorder.sessions.events(id)).some((e) => e.type === 'audio.output')).toBe(true)
})

test('what the recorder throws (a track that does not exist) becomes state error, until a start that works', async () => {
  const wrapper = ({ children }: { children: ReactNode }) => <RecorderProvider options={{ dbName: uniqueDb() }}>{children}</RecorderProvider>
  const hook = renderHook((options: AudioRecorderOptions) => ({ audio: useAudioRecorder(options), consent: useConsent(), recorder: useRecorder() }), {
    wrapper,
    initialProps: { track: 'side' as AudioTrack },
  })
  const current = () => hook.result.current
  await act(() => current().recorder.start())
  await act(() => current().consent.grant({ audio: true }))
  const result = await act(async () => current().audio.start(await tone()))
  expect(result).toMatchObject({ state: 'error', error: { code: 'invalid_options' } })
  expect(current().audio).toMatchObject({ state: 'error', active: false, error: { code: 'invalid_options' } })
  // pause() and resume() on that track do not throw either; the error stays until something works.
  act(() => current().audio.pause())
  act(() => current().audio.resume())
  expect(current().audio.error?.code).toBe('invalid_options')

  hook.rerender({ track: 'input' })
  expect(current().audio).toMatchObject({ state: 'off', error: null })
  await act(async () => current().audio.start(await tone()))
  expect(current().audio.state).toBe('recording')
  await act(() => current().audio.stop())
})

test('no session: start() says no_active_session in the status', async () => {
  const { current } = renderAudio()
  await act(() => current().consent.grant({ audio: true }))
  const result = await act(async () => current().audio.start(await tone()))
  expect(result).toMatchObject({ state: 'off', error: { code: 'no_active_session' } })
  expect(current().audio.error?.code).toBe('no_active_session')
})
