/**
 * One realtime voice conversation, both sides, for the tests and the playground: the session is
 * configured, the user asks for the weather (a tool call, then a spoken answer), asks for a story
 * and speaks over it (a barge-in: the response is cancelled), and a bad client event draws a
 * server error.
 */
import type { ScriptStep } from './createMockRealtimePeer'

export const MODEL = 'gpt-realtime'

const usage = (textIn: number, audioIn: number, cachedText: number, textOut: number, audioOut: number) => ({
  total_tokens: textIn + audioIn + textOut + audioOut,
  input_tokens: textIn + audioIn,
  output_tokens: textOut + audioOut,
  input_token_details: { text_tokens: textIn, audio_tokens: audioIn, image_tokens: 0, cached_tokens: cachedText, cached_tokens_details: { text_tokens: cachedText, audio_tokens: 0, image_tokens: 0 } },
  output_token_details: { text_tokens: textOut, audio_tokens: audioOut },
})

export const USAGE = {
  resp_1: usage(120, 80, 64, 50, 0),
  resp_2: usage(180, 80, 128, 12, 90),
  resp_3: usage(200, 120, 128, 4, 30),
}

const tools = [{ type: 'function', name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } }]
const transcriptDelta = (response: string, item: string, delta: string) => ({
  type: 'response.output_audio_transcript.delta', response_id: response, item_id: item, output_index: 0, content_index: 0, delta,
})

export const CONVERSATION: readonly ScriptStep[] = [
  { server: { type: 'session.created', event_id: 'ev_1', session: { id: 'sess_1', object: 'realtime.session', model: MODEL, audio: { output: { voice: 'alloy' } }, instructions: '' } } },
  { after: 20, client: { type: 'session.update', session: { type: 'realtime', instructions: 'You are a weather assistant.', tools } } },
  { after: 20, server: { type: 'session.updated', event_id: 'ev_2', session: { model: MODEL, audio: { output: { voice: 'alloy' } }, instructions: 'You are a weather assistant.', tools } } },
  // Turn 1: a question, answered with a tool call and then a spoken answer.
  { after: 30, server: { type: 'input_audio_buffer.speech_started', item_id: 'item_u1', audio_start_ms: 100 } },
  { after: 300, server: { type: 'input_audio_buffer.speech_stopped', item_id: 'item_u1', audio_end_ms: 400 } },
  { server: { type: 'input_audio_buffer.committed', item_id: 'item_u1' } },
  { after: 20, server: { type: 'response.created', response: { id: 'resp_1', object: 'realtime.response', status: 'in_progress' } } },
  { after: 10, server: { type: 'conversation.item.input_audio_transcription.delta', item_id: 'item_u1', content_index: 0, delta: "What's the weather " } },
  { server: { type: 'conversation.item.input_audio_transcription.completed', item_id: 'item_u1', content_index: 0, transcript: "What's the weather in Paris?" } },
  { after: 20, server: { type: 'response.function_call_arguments.delta', response_id: 'resp_1', item_id: 'item_f1', output_index: 0, call_id: 'call_1', delta: '{"city":' } },
  { server: { type: 'response.function_call_arguments.done', response_id: 'resp_1', item_id: 'item_f1', output_index: 0, call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' } },
  { after: 10, server: { type: 'response.done', response: { id: 'resp_1', object: 'realtime.response', status: 'completed', usage: USAGE.resp_1 } } },
  { after: 60, client: { type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_1', output: '{"tempC":18,"sky":"clear"}' } } },
  { client: { type: 'response.create' } },
  { after: 20, server: { type: 'response.created', response: { id: 'resp_2', object: 'realtime.response', status: 'in_progress' } } },
  { after: 40, server: { type: 'output_audio_buffer.started', response_id: 'resp_2' } },
  { speak: true },
  { after: 10, server: transcriptDelta('resp_2', 'item_a2', 'It is 18 degrees ') },
  { after: 100, server: transcriptDelta('resp_2', 'item_a2', 'and clear in Paris.') },
  { after: 10, server: { type: 'response.output_audio_transcript.done', response_id: 'resp_2', item_id: 'item_a2', output_index: 0, content_index: 0, transcript: 'It is 18 degrees and clear in Paris.' } },
  { after: 10, server: { type: 'response.done', response: { id: 'resp_2', object: 'realtime.response', status: 'completed', usage: USAGE.resp_2 } } },
  { after: 300, speak: false },
  { server: { type: 'output_audio_buffer.stopped', response_id: 'resp_2' } },
  // Turn 2: a request for a story, interrupted by the user.
  { after: 100, server: { type: 'input_audio_buffer.speech_started', item_id: 'item_u2', audio_start_ms: 1500 } },
  { after: 250, server: { type: 'input_audio_buffer.speech_stopped', item_id: 'item_u2', audio_end_ms: 1750 } },
  { after: 10, server: { type: 'conversation.item.input_audio_transcription.completed', item_id: 'item_u2', content_index: 0, transcript: 'Tell me a long story.' } },
  { after: 10, server: { type: 'response.created', response: { id: 'resp_3', object: 'realtime.response', status: 'in_progress' } } },
  { after: 80, server: { type: 'output_audio_buffer.started', response_id: 'resp_3' } },
  { speak: true },
  { after: 10, server: transcriptDelta('resp_3', 'item_a3', 'Once upon a time, ') },
  { after: 150, server: { type: 'input_audio_buffer.speech_started', item_id: 'item_u3', audio_start_ms: 2100 } },
  { speak: false },
  { server: { type: 'output_audio_buffer.cleared', response_id: 'resp_3' } },
  { after: 10, server: { type: 'response.done', response: { id: 'resp_3', object: 'realtime.response', status: 'cancelled', status_details: { type: 'cancelled', reason: 'turn_detected' }, usage: USAGE.resp_3 } } },
  { client: { type: 'conversation.item.truncate', item_id: 'item_a3', content_index: 0, audio_end_ms: 160 } },
  { after: 200, server: { type: 'input_audio_buffer.speech_stopped', item_id: 'item_u3', audio_end_ms: 2300 } },
  { after: 10, server: { type: 'conversation.item.input_audio_transcription.completed', item_id: 'item_u3', content_index: 0, transcript: 'Stop, thanks.' } },
  // A client event the server refuses.
  { after: 30, client: { type: 'session.update', event_id: 'evt_bad', session: { type: 'realtime', audio: { output: { voice: 'nobody' } } } } },
  { after: 10, server: { type: 'error', event_id: 'ev_err', error: { type: 'invalid_request_error', code: 'invalid_value', message: "Invalid value: 'nobody'.", param: 'session.audio.output.voice', event_id: 'evt_bad' } } },
]
