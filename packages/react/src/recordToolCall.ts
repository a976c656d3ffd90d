import type { Recorder, ToolCallCompletedData } from '@tapedeck/core'
import { createId } from './createId'
import { toErrorDescription } from './toErrorDescription'

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

/** Records a finished tool call as `tool.call.started` + `tool.call.completed`; returns its id. */
export function recordToolCall(recorder: Recorder, call: ToolCallInput): string {
  const { name, args, result, durationMs, error } = call
  const toolCallId = call.toolCallId ?? createId('tool_')
  recorder.record('tool.call.started', { toolCallId, name, ...(args !== undefined && { args }) })
  const completed: ToolCallCompletedData = { toolCallId, name }
  if (result !== undefined) completed.result = result
  if (durationMs !== undefined) completed.durationMs = durationMs
  if (error !== undefined) completed.error = toErrorDescription(error)
  try {
    recorder.record('tool.call.completed', completed)
  } catch (refused) {
    // A result record() cannot take: the call still gets an end, and the caller hears why.
    const message = refused instanceof Error ? refused.message : String(refused)
    recorder.record('tool.call.completed', { toolCallId, name, error: { name: 'TapedeckError', message } })
    throw refused
  }
  return toolCallId
}
