import type { ErrorDescription, ProviderCallCompletedData, ProviderCallFailedData, ProviderCallStartedData, TapedeckEvent } from '@tapedeck/core'

/** One LLM call of a recording, from its `provider.call.started` and its end. */
export interface CallEntry {
  callId: string
  status: 'completed' | 'failed' | 'unfinished'
  provider?: string
  model?: string
  /** Session time it started (or ended, when the start is missing). */
  t: number
  endT?: number
  /** Indexes into the events: the start and the end (`completed` or `failed`). */
  startIndex?: number
  endIndex?: number
}

/** What the details panel shows of one call. */
export interface CallDetails extends CallEntry, Pick<ProviderCallCompletedData, 'response' | 'usage' | 'costUsd' | 'latencyMs' | 'ttftMs' | 'finishReason'> {
  params?: ProviderCallStartedData['params']
  prompt?: unknown[]
  error?: ErrorDescription
}

/** The calls of a recording in the order they started: one pass, kept once per recording. */
export function indexCalls(events: readonly TapedeckEvent[]): CallEntry[] {
  const calls: CallEntry[] = []
  const byId = new Map<string, CallEntry>()
  for (let index = 0; index < events.length; index++) {
    const event = events[index]!
    const type = event.type
    if (type !== 'provider.call.started' && type !== 'provider.call.completed' && type !== 'provider.call.failed') continue
    const data = event.data as Partial<ProviderCallCompletedData>
    const callId = typeof data.callId === 'string' ? data.callId : `seq-${event.seq}`
    let entry = byId.get(callId)
    if (!entry) {
      entry = { callId, status: 'unfinished', t: event.t }
      byId.set(callId, entry)
      calls.push(entry)
    }
    if (typeof data.provider === 'string') entry.provider ??= data.provider
    if (type === 'provider.call.started') {
      entry.startIndex = index
      entry.t = event.t
      if (typeof data.model === 'string') entry.model = data.model
    } else {
      entry.endIndex = index
      entry.endT = event.t
      entry.status = type === 'provider.call.completed' ? 'completed' : 'failed'
      // The model that answered (a dated version of the one asked for) is the one to show.
      if (typeof data.model === 'string') entry.model = data.model
    }
  }
  return calls
}

/** Everything recorded about one call, read from its events when it is shown. */
export function callDetails(events: readonly TapedeckEvent[], entry: CallEntry): CallDetails {
  const details: CallDetails = { ...entry }
  if (entry.startIndex !== undefined) {
    const started = events[entry.startIndex]!.data as ProviderCallStartedData
    if (started.params !== undefined) details.params = started.params
    if (Array.isArray(started.messages)) details.prompt = started.messages
  }
  if (entry.endIndex !== undefined) {
    const end = events[entry.endIndex]!
    if (end.type === 'provider.call.failed') {
      const failed = end.data as ProviderCallFailedData
      details.error = failed.error
      if (typeof failed.latencyMs === 'number') details.latencyMs = failed.latencyMs
    } else {
      const done = end.data as ProviderCallCompletedData
      if (done.response !== undefined) details.response = done.response
      if (done.usage) details.usage = done.usage
      if (typeof done.costUsd === 'number') details.costUsd = done.costUsd
      if (typeof done.latencyMs === 'number') details.latencyMs = done.latencyMs
      if (typeof done.ttftMs === 'number') details.ttftMs = done.ttftMs
      if (typeof done.finishReason === 'string') details.finishReason = done.finishReason
    }
  }
  return details
}
