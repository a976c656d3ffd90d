import { TapedeckError, type TapedeckErrorCode } from '../errors'
import type { AudioSource, AudioTrackState } from './types'

/** A stream to record, and how to let go of what was opened for it. */
export interface OpenedSource {
  stream: MediaStream
  /** Stops what the capture opened itself (the microphone, an audio graph); never the page's own stream. */
  release(): void
}

/** Why a source could not be opened: a state for the track's status and an error. */
export interface RefusedSource {
  refused: { state: Extract<AudioTrackState, 'denied' | 'unsupported' | 'error'>; code: TapedeckErrorCode; message: string }
}

export interface SourceEnv {
  getUserMedia?: ((constraints: MediaStreamConstraints) => Promise<MediaStream>) | undefined
  AudioContext?: (new () => AudioContext) | undefined
}

/** getUserMedia errors that mean "no microphone for you": refused, forbidden by policy, or none there. */
const DENIED = new Set(['NotAllowedError', 'SecurityError', 'NotFoundError', 'OverconstrainedError', 'PermissionDeniedError'])

/** How long a suspended AudioContext is given to start. */
const RESUME_TIMEOUT_MS = 1000

/**
 * An element routed through `createMediaElementSource` plays through that graph for good (the
 * call cannot be undone or repeated), so the graph is kept per element and reused.
 */
const elementGraphs = new WeakMap<HTMLMediaElement, { context: AudioContext; source: MediaElementAudioSourceNode }>()

/**
 * Turns what `audio.start()` was given into a MediaStream to record. Never throws for a refused or
 * missing microphone or an audio graph that cannot start: those come back as `refused`.
 */
export async function openSource(source: AudioSource, env: SourceEnv): Promise<OpenedSource | RefusedSource> {
  if (source === 'microphone') return openMicrophone(env)
  if (isMediaElement(source)) return openElement(source, env)
  if (source.getAudioTracks().length === 0) {
    return refuse('error', 'audio_failed', 'The MediaStream given to audio.start() has no audio track.')
  }
  return { stream: source, release: () => {} }
}

/** Throws `invalid_options` for anything `audio.start()` cannot take, before anything starts. */
export function checkSource(source: unknown): asserts source is AudioSource {
  if (source === 'microphone' || isMediaElement(source) || isMediaStream(source)) return
  throw new TapedeckError('invalid_options', "audio.start() takes a MediaStream, an <audio>/<video> element or 'microphone'.")
}

function isMediaElement(value: unknown): value is HTMLMediaElement {
  return typeof HTMLMediaElement !== 'undefined' && value instanceof HTMLMediaElement
}

export function isRefused(opened: OpenedSource | RefusedSource): opened is RefusedSource {
  return 'refused' in opened
}

function isMediaStream(value: unknown): value is MediaStream {
  return typeof value === 'object' && value !== null && typeof (value as MediaStream).getAudioTracks === 'function'
}

async function openMicrophone(env: SourceEnv): Promise<OpenedSource | RefusedSource> {
  if (!env.getUserMedia) {
    return refuse('unsupported', 'audio_unsupported', 'This page cannot ask for the microphone: navigator.mediaDevices is missing (it needs https or localhost).')
  }
  try {
    const stream = await env.getUserMedia({ audio: true })
    return { stream, release: () => stopTracks(stream) }
  } catch (error) {
    const name = error instanceof Error || error instanceof DOMException ? error.name : ''
    const detail = error instanceof Error || error instanceof DOMException ? `${error.name}: ${error.message}` : String(error)
    if (DENIED.has(name)) return refuse('denied', 'audio_denied', `The microphone was refused or is missing (${detail}).`)
    return refuse('error', 'audio_failed', `The microphone could not be opened (${detail}).`)
  }
}

/**
 * Assistant speech played by an element. Both routes feed one MediaStreamAudioDestinationNode, so
 * the recorded track stays the same while the element plays one utterance after another: a bare
 * `captureStream()` track ends with each playback and stops the MediaRecorder. A silent constant
 * source keeps the destination running between utterances; without it Chromium records nothing
 * while the element is quiet and the track's timeline shrinks.
 */
async function openElement(element: HTMLMediaElement, env: SourceEnv): Promise<OpenedSource | RefusedSource> {
  const Context = env.AudioContext
  if (!Context) return refuse('unsupported', 'audio_unsupported', 'This browser has no AudioContext: audio from an element cannot be recorded; pass a MediaStream.')
  const known = elementGraphs.get(element)
  let context: AudioContext
  try {
    context = known?.context ?? new Context()
  } catch (error) {
    return refuse('error', 'audio_failed', `An AudioContext could not be created (${String(error)}).`)
  }
  const ownContext = !known
  if (context.state !== 'running') {
    await Promise.race([context.resume().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, RESUME_TIMEOUT_MS))])
  }
  if ((context.state as string) !== 'running') {
    if (ownContext) void context.close().catch(() => undefined)
    return refuse('error', 'audio_failed', 'The page may not start audio yet (autoplay policy): call audio.start() from a click or key handler.')
  }
  try {
    const destination = context.createMediaStreamDestination()
    const keepAlive = context.createConstantSource()
    keepAlive.offset.value = 0
    keepAlive.connect(destination)
    keepAlive.start()
    const quiet = () => {
      keepAlive.stop()
      keepAlive.disconnect()
    }
    const capture = (element as HTMLMediaElement & { captureStream?: () => MediaStream }).captureStream
    if (!known && typeof capture === 'function') {
      // Chromium: captureStream() leaves the element's own output alone.
      const captured = capture.call(element)
      const inputs = new Map<MediaStreamTrack, AudioNode>()
      const add = (track: MediaStreamTrack) => {
        if (track.kind !== 'audio' || inputs.has(track)) return
        const node = context.createMediaStreamSource(new MediaStream([track]))
        node.connect(destination)
        inputs.set(track, node)
      }
      const onAdd = (event: MediaStreamTrackEvent) => add(event.track)
      const onRemove = (event: MediaStreamTrackEvent) => {
        inputs.get(event.track)?.disconnect()
        inputs.delete(event.track)
      }
      captured.getAudioTracks().forEach(add)
      captured.addEventListener('addtrack', onAdd)
      captured.addEventListener('removetrack', onRemove)
      return {
        stream: destination.stream,
        release: () => {
          captured.removeEventListener('addtrack', onAdd)
          captured.removeEventListener('removetrack', onRemove)
          for (const node of inputs.values()) node.disconnect()
          quiet()
          void context.close().catch(() => undefined)
        },
      }
    }
    // Firefox's mozCaptureStream() silences the element and Safari has none: route the element
    // through the graph, and on to the speakers so the user still hears it.
    let graph = known
    if (!graph) {
      const source = context.createMediaElementSource(element)
      source.connect(context.destination)
      graph = { context, source }
      elementGraphs.set(element, graph)
    }
    const { source } = graph
    source.connect(destination)
    return {
      stream: destination.stream,
      release: () => {
        source.disconnect(destination)
        quiet()
      },
    }
  } catch (error) {
    if (ownContext && !elementGraphs.has(element)) void context.close().catch(() => undefined)
    const detail = error instanceof Error || error instanceof DOMException ? `${error.name}: ${error.message}` : String(error)
    return refuse(
      'error',
      'audio_failed',
      `Audio from this element cannot be recorded (${detail}). If the page already routes it through its own AudioContext, pass a MediaStream from that graph instead.`,
    )
  }
}

function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop()
}

function refuse(state: RefusedSource['refused']['state'], code: TapedeckErrorCode, message: string): RefusedSource {
  return { refused: { state, code, message } }
}
