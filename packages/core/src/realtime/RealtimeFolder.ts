/**
 * Folds the OpenAI Realtime event protocol (server and client events, as JSON objects) into
 * Tapedeck events: transcript segments, one provider call per response, tool calls, session
 * configuration snapshots, barge-ins and server errors. Pure: it sees events and a clock, and
 * writes through the recorder's public `record()` only, so it runs the same for WebRTC and
 * WebSocket connections and in unit tests.
 *
 * Event names: both the GA names (`response.output_audio_transcript.delta`,
 * `response.output_audio.delta`, `response.output_text.delta`) and the beta ones
 * (`response.audio_transcript.delta`, `response.audio.delta`, `response.text.delta`).
 */
import type { PriceTable } from '../instrument/prices'
import { createSafeRecorder, type RecorderLike, type SafeRecorder } from '../instrument/safeRecorder'
import { priceRealtimeUsage, readRealtimeUsage } from './realtimeUsage'

export interface RealtimeFolderOptions {
  /** Session time (`t`) now, in ms. */
  now(): number
  /** Default `openai`. */
  provider?: string
  /** Model when the session never names one. */
  model?: string
  prices?: Readonly<PriceTable>
  onError?: (error: unknown) => void
}

export interface RealtimeFolder {
  /** An event the server sent (parsed JSON). */
  server(event: unknown): void
  /** An event the app sent (parsed JSON). */
  client(event: unknown): void
  /** The connection ended: responses still open are recorded as aborted. */
  close(reason?: string): void
  readonly safe: SafeRecorder
}

type Raw = Record<string, unknown>

interface Segment {
  itemId: string
  startT: number
  text: string
  done: boolean
}

interface Response {
  id: string
  startT: number
  /** End of the user's speech this response answers. */
  speechEndT: number | undefined
  firstAudioT: number | undefined
  firstTextT: number | undefined
  segments: Map<string, Segment>
  toolCalls: Array<{ id: string; name: string; arguments: unknown }>
  interrupted: boolean
}

const AUDIO_START = new Set(['output_audio_buffer.started', 'response.output_audio.delta', 'response.audio.delta'])
const TEXT_DELTA = new Set(['response.output_audio_transcript.delta', 'response.audio_transcript.delta', 'response.output_text.delta', 'response.text.delta'])
const TEXT_DONE = new Set(['response.output_audio_transcript.done', 'response.audio_transcript.done', 'response.output_text.done', 'response.text.done'])

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)
const obj = (value: unknown): Raw => (value !== null && typeof value === 'object' ? (value as Raw) : {})
const round = (ms: number) => Math.round(ms * 10) / 10

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return text
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function clean<T extends Raw>(data: T): T {
  for (const key of Object.keys(data)) if (data[key] === undefined) delete data[key]
  return data
}

export function createRealtimeFolder(recorder: RecorderLike, options: RealtimeFolderOptions): RealtimeFolder {
  const safe = createSafeRecorder(recorder, options.onError)
  const provider = options.provider ?? 'openai'
  let model = options.model
  let voice: unknown
  const speech = new Map<string, { startT: number; endT?: number }>()
  const userText = new Map<string, string>()
  let lastSpeechEndT: number | undefined
  const responses = new Map<string, Response>()
  let current: Response | undefined
  let playing: string | undefined
  const tools = new Map<string, { name: string; startT: number }>()
  let snapshots = 0

  const open = (id: unknown): Response | undefined => (typeof id === 'string' ? responses.get(id) : undefined) ?? current

  const interrupt = (reason: string, t: number) => {
    const response = current ?? (playing ? responses.get(playing) : undefined)
    if (!response || response.interrupted) return
    response.interrupted = true
    safe.record('turn.interrupted', clean({ reason, responseId: response.id, callId: response.id, atT: round(t) }))
  }

  const segmentOf = (response: Response, event: Raw, t: number): Segment => {
    const key = `${str(event.item_id) ?? ''}:${String(event.content_index ?? 0)}`
    let segment = response.segments.get(key)
    if (!segment) {
      segment = { itemId: str(event.item_id) ?? '', startT: t, text: '', done: false }
      response.segments.set(key, segment)
    }
    return segment
  }

  const recordSegment = (response: Response, segment: Segment, endT: number, final: boolean) => {
    segment.done = true
    safe.record(
      'transcript.segment',
      clean({
        speaker: 'assistant',
        text: segment.text,
        startT: round(segment.startT),
        endT: round(endT),
        final,
        responseId: response.id,
        itemId: segment.itemId || undefined,
        interrupted: final ? undefined : true,
      }),
    )
  }

  const finish = (response: Response, body: Raw, t: number) => {
    responses.delete(response.id)
    if (current === response) current = undefined
    const status = str(body.status) ?? 'completed'
    const details = obj(body.status_details)
    for (const segment of response.segments.values()) if (!segment.done) recordSegment(response, segment, t, false)
    const usage = readRealtimeUsage(body.usage)
    const cost = usage ? priceRealtimeUsage(model, usage, options.prices) : undefined
    const text = [...response.segments.values()].map((segment) => segment.text).join('')
    const timing = {
      latencyMs: round(t - response.startT),
      ttftMs: response.firstTextT === undefined ? undefined : round(response.firstTextT - response.startT),
      turnLatencyMs:
        response.firstAudioT === undefined || response.speechEndT === undefined ? undefined : round(response.firstAudioT - response.speechEndT),
    }
    if (status === 'failed') {
      const error = obj(details.error)
      safe.record('provider.call.failed', clean({
        callId: response.id,
        provider,
        model: model ?? 'unknown',
        error: clean({ name: 'RealtimeResponseFailed', message: str(error.message) ?? 'The realtime response failed.', code: str(error.code), type: str(error.type) }),
        latencyMs: timing.latencyMs,
      }))
      return
    }
    const finishReason =
      status === 'cancelled' ? 'aborted' : status === 'incomplete' ? (str(details.reason) ?? 'incomplete') : response.toolCalls.length ? 'tool_calls' : 'stop'
    safe.record('provider.call.completed', clean({
      callId: response.id,
      provider,
      model: model ?? 'unknown',
      response: clean({ text, toolCalls: response.toolCalls.length ? response.toolCalls : undefined }),
      usage: usage && clean({ inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, cachedTokens: usage.cachedTokens }),
      audioTokens: usage && { input: usage.audioInputTokens, cachedInput: usage.cachedAudioTokens, output: usage.audioOutputTokens },
      textTokens: usage && { input: usage.textInputTokens, cachedInput: usage.cachedTextTokens, output: usage.textOutputTokens },
      ...cost,
      ...timing,
      finishReason,
      abortReason: status === 'cancelled' ? (str(details.reason) ?? 'cancelled') : undefined,
    }))
  }

  const onServer = (event: Raw, t: number) => {
    const type = str(event.type) ?? ''
    if (type === 'session.created' || type === 'session.updated') {
      const session = obj(event.session)
      model = str(session.model) ?? model
      const audio = obj(session.audio)
      voice = obj(audio.output).voice ?? session.voice ?? voice
      safe.record('snapshot.created', {
        snapshotId: `realtime-${++snapshots}`,
        description: `realtime ${type}`,
        state: clean({
          model,
          voice,
          instructions: session.instructions,
          tools: session.tools,
          toolChoice: session.tool_choice,
          turnDetection: obj(audio.input).turn_detection ?? session.turn_detection,
          outputModalities: session.output_modalities ?? session.modalities,
        }),
      })
    } else if (type === 'input_audio_buffer.speech_started') {
      speech.set(str(event.item_id) ?? '', { startT: t })
      if (current || playing) interrupt('user-speech', t)
    } else if (type === 'input_audio_buffer.speech_stopped') {
      const turn = speech.get(str(event.item_id) ?? '')
      if (turn) turn.endT = t
      lastSpeechEndT = t
    } else if (type === 'conversation.item.input_audio_transcription.delta') {
      const id = str(event.item_id) ?? ''
      userText.set(id, (userText.get(id) ?? '') + (str(event.delta) ?? ''))
    } else if (type === 'conversation.item.input_audio_transcription.completed') {
      const id = str(event.item_id) ?? ''
      const turn = speech.get(id)
      speech.delete(id)
      const text = str(event.transcript) ?? userText.get(id) ?? ''
      userText.delete(id)
      safe.record('transcript.segment', clean({ speaker: 'user', text, startT: round(turn?.startT ?? t), endT: round(turn?.endT ?? t), final: true, itemId: id || undefined }))
    } else if (type === 'conversation.item.input_audio_transcription.failed') {
      safe.record('error.raised', clean({ message: str(obj(event.error).message) ?? 'Input transcription failed.', source: 'realtime', itemId: str(event.item_id) }))
    } else if (type === 'response.created') {
      const body = obj(event.response)
      const id = str(body.id) ?? `response-${responses.size + 1}`
      const response: Response = { id, startT: t, speechEndT: lastSpeechEndT, firstAudioT: undefined, firstTextT: undefined, segments: new Map(), toolCalls: [], interrupted: false }
      responses.set(id, response)
      current = response
      safe.record('provider.call.started', clean({ callId: id, provider, model: model ?? 'unknown', params: clean({ voice: voice as string | undefined, transport: 'realtime' }) }))
    } else if (AUDIO_START.has(type)) {
      const response = open(event.response_id)
      if (response && response.firstAudioT === undefined) {
        response.firstAudioT = t
        // The first audible answer to a turn carries its latency; later ones (no new speech) do not.
        if (response.speechEndT === lastSpeechEndT) lastSpeechEndT = undefined
        else response.speechEndT = undefined
      }
      if (type === 'output_audio_buffer.started') playing = str(event.response_id) ?? response?.id
    } else if (type === 'output_audio_buffer.stopped' || type === 'output_audio_buffer.cleared') {
      playing = undefined
    } else if (TEXT_DELTA.has(type)) {
      const response = open(event.response_id)
      if (!response) return
      response.firstTextT ??= t
      segmentOf(response, event, t).text += str(event.delta) ?? ''
    } else if (TEXT_DONE.has(type)) {
      const response = open(event.response_id)
      if (!response) return
      const segment = segmentOf(response, event, t)
      segment.text = str(event.transcript) ?? str(event.text) ?? segment.text
      recordSegment(response, segment, t, true)
    } else if (type === 'response.function_call_arguments.done') {
      const id = str(event.call_id) ?? str(event.item_id) ?? ''
      const name = str(event.name) ?? 'unknown'
      const args = parseJson(event.arguments)
      tools.set(id, { name, startT: t })
      open(event.response_id)?.toolCalls.push({ id, name, arguments: args })
      safe.record('tool.call.started', clean({ toolCallId: id, name, args, responseId: str(event.response_id) }))
    } else if (type === 'response.done') {
      const body = obj(event.response)
      const response = open(body.id)
      if (response) finish(response, body, t)
    } else if (type === 'error') {
      const error = obj(event.error)
      safe.record('error.raised', clean({
        message: str(error.message) ?? 'Realtime server error.',
        source: 'realtime',
        code: str(error.code),
        errorType: str(error.type),
        param: str(error.param),
        clientEventId: str(error.event_id),
      }))
    }
  }

  const onClient = (event: Raw, t: number) => {
    const type = str(event.type) ?? ''
    if (type === 'response.cancel') interrupt('client-cancel', t)
    else if (type === 'conversation.item.create') {
      const item = obj(event.item)
      if (item.type !== 'function_call_output') return
      const id = str(item.call_id) ?? ''
      const tool = tools.get(id)
      tools.delete(id)
      safe.record('tool.call.completed', clean({ toolCallId: id, name: tool?.name ?? 'unknown', result: parseJson(item.output), durationMs: tool ? round(t - tool.startT) : undefined }))
    }
  }

  const guard = (handle: (event: Raw, t: number) => void) => (event: unknown) => {
    if (event === null || typeof event !== 'object') return
    try {
      handle(event as Raw, options.now())
    } catch (error) {
      safe.fail(error)
    }
  }

  return {
    server: guard(onServer),
    client: guard(onClient),
    close(reason = 'closed') {
      const t = options.now()
      for (const response of [...responses.values()]) {
        try {
          finish(response, { status: 'cancelled', status_details: { reason } }, t)
        } catch (error) {
          safe.fail(error)
        }
      }
    },
    safe,
  }
}
