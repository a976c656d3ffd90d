import type { AudioCapture, AudioHost } from '../audio/createAudioCapture'
import { toErrorInfo } from '../errors'
import { AUDIO_OFF } from './initialStatus'
import type { AudioApi, AudioStatus } from './types'

export type LazyAudio = AudioApi & { stopAll(): Promise<void> }

/**
 * The recorder's `audio`, loaded on the first `start()`: most pages never record audio, and the
 * page entry stays small. Until then nothing is recording, so pause/resume/stop have nothing to do.
 */
export function lazyAudio(host: AudioHost, onChange: (status: AudioStatus) => void): LazyAudio {
  let loading: Promise<AudioCapture> | undefined
  const load = () =>
    (loading ??= import('../audio/createAudioCapture').then(({ createAudioCapture }) => {
      const capture = createAudioCapture(host)
      capture.subscribe(() => onChange(capture.getSnapshot()))
      return capture
    }))
  let capture: AudioCapture | undefined
  return {
    async start(source, options) {
      try {
        capture = await load()
      } catch (cause) {
        // The chunk could not load (offline before it was ever cached, say): say so, do not throw.
        loading = undefined
        const error = toErrorInfo(cause, 'audio_failed')
        error.code = 'audio_failed'
        error.message = `Audio capture could not load: ${error.message}`
        host.report(error)
        return { ...AUDIO_OFF, state: 'error', error }
      }
      return capture.start(source, options)
    },
    async stop(track) {
      if (loading) await (await loading).stop(track)
    },
    pause: (track) => capture?.pause(track),
    resume: (track) => capture?.resume(track),
    async stopAll() {
      if (loading) await (await loading).stopAll()
    },
  }
}
