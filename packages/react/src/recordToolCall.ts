import { createId, describeError, type Recorder, type ToolCallCompletedData } from '@tapedeck/core'
import { payload } from './payload'

export interface ToolCallInput {
  name: string
  args?: unknown
  result?: unknown
  durationMs?: number
  /** The tool failed: an `Error`, a message, or `{ message, … }`. */
  error?: unknown
  /** Defaults to a new id. */
  toolCallId?: string
}

/** Records a finished tool call as `tool.call.started` + `tool.call.completed`; returns its id (empty when `call` cannot be read). */
export function recordToolCall(recorder: Recorder, call: ToolCallInput): string {
  let toolCallId = ''
  const started = payload(() => {
    toolCallId = call.toolCallId ?? createId('tool_')
    return { toolCallId, name: call.name, ...(call.args !== undefined && { args: call.args }) }
  })
  if (!recorder.record('tool.call.started', started)) return toolCallId
  const { name, result, durationMs, error } = call
  const completed: ToolCallCompletedData = { toolCallId, name }
  if (result !== undefined) completed.result = result
  if (durationMs !== undefined) completed.durationMs = durationMs
  if (error !== undefined) completed.error = typeof error === 'string' ? error : describeError(error)
  if (!recorder.record('tool.call.completed', completed)) {
    // A result record() cannot take (not JSON, too large): the call still gets an end, with why.
    const message = recorder.getSnapshot().error?.message ?? 'The result could not be recorded.'
    recorder.record('tool.call.completed', { toolCallId, name, error: { name: 'TapedeckError', message } })
  }
  return toolCallId
}
