import type { AudioHost } from '../audio/AudioHost'
import type { AudioCapture } from '../audio/createAudioCapture'
import { toErrorInfo } from '../errors'
import { AUDIO_OFF } from './initialStatus'
import type { AudioApi, AudioStatus } from './types'

export type LazyAudio = AudioApi & { stopAll(): Promise<void> }

/**
 * The recorder's `audio`, loaded on the first `start()`: most pages never record audio, and the
 * page entry stays small. Until then nothing is recording, so pause/resume/stop have nothing to do.
 * No call throws into the page: a bad argument or a failure goes to `fail` (which throws only
 * under `strict: true`).
 */
export function lazyAudio(host: AudioHost, onChange: (status: AudioStatus) => void, fail: (error: unknown) => void): LazyAudio {
  let loading: Promise<AudioCapture> | undefined
  const load = () =>
    (loading ??= import('../audio/createAudioCapture').then(({ createAudioCapture }) => {
      const capture = createAudioCapture(host)
      capture.subscribe(() => onChange(capture.getSnapshot()))
      return capture
    }))
  let capture: AudioCapture | undefined
  const guard = (call: () => void) => {
    try {
      call()
    } catch (error) {
      fail(error)
    }
  }
  return {
    async start(source, options) {
      let loaded: AudioCapture | undefined
      try {
        capture = loaded = await load()
        return await loaded.start(source, options)
      } catch (cause) {
        const error = toErrorInfo(cause, 'audio_failed')
        // A bad argument (a track that does not exist, say).
        if (loaded) fail(cause)
        else {
          // The chunk could not load (offline before it was ever cached, say): say so, do not throw.
          loading = undefined
          error.code = 'audio_failed'
          error.message = `Audio capture could not load: ${error.message}`
          host.report(error)
        }
        return { ...AUDIO_OFF, state: 'error', error }
      }
    },
    async stop(track) {
      if (loading) await (await loading).stop(track).catch(fail)
    },
    pause: (track) => guard(() => capture?.pause(track)),
    resume: (track) => guard(() => capture?.resume(track)),
    async stopAll() {
      if (loading) await (await loading).stopAll()
    },
  }
}
