import type { TapedeckEvent } from '@tapedeck/core'
import { eventList } from './events'

export interface GeneratedConversation {
  events: TapedeckEvent[]
  /** The user's message of each turn, by turn number: `question ${turn}` plus a word only that turn has. */
  turns: number
}

/**
 * A long support conversation, as the recorder stores it: turns of a user message, an LLM call
 * (with usage, cost, latency, TTFT), a tool call every third turn, the answer, a snapshot
 * (a checkpoint) every tenth turn, an annotation every 50th, an error every 97th, and clicks
 * and metrics in between — until `count` events. Turn n's user message contains `marker{n}x`.
 */
export function conversationEvents(count: number, sessionId = 's_big'): GeneratedConversation {
  const list = eventList(sessionId)
  const events = list.events
  let t = 0
  // Room is kept for `session.ended`.
  const push = (type: string, data: Record<string, unknown>, checkpoint = false, last = false) => {
    if (events.length >= count - (last ? 0 : 1)) return
    t += 40 + (events.length % 7) * 10
    list.add(type, data, { t, checkpoint })
  }
  push('session.started', { userId: 'u_big', feature: 'support-chat' })
  let turn = 0
  while (events.length < count - 1) {
    turn++
    const question = `question ${turn}: where is order A${1000 + turn}? marker${turn}x`
    push('message.created', { messageId: `u${turn}`, role: 'user', content: question })
    push('user.action', { kind: 'click', target: { selector: '#send', label: 'Send' } })
    push('provider.call.started', { callId: `c${turn}`, provider: 'openai', model: 'gpt-4o-mini', params: { temperature: 0.2 }, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: question }] })
    if (turn % 3 === 0) {
      push('tool.call.started', { toolCallId: `t${turn}`, name: 'lookupOrder', args: { orderId: `A${1000 + turn}` } })
      push('tool.call.completed', { toolCallId: `t${turn}`, name: 'lookupOrder', result: { status: 'shipped' }, durationMs: 80 })
    }
    const answer = `answer ${turn}: order A${1000 + turn} is shipped.${turn % 5 === 0 ? ' A longer answer that wraps onto a second line in a narrow pane, so that rows do not all have one height.' : ''}`
    push('provider.call.completed', { callId: `c${turn}`, model: 'gpt-4o-mini-2024-07-18', response: { text: answer }, usage: { inputTokens: 30, outputTokens: 12 }, costUsd: 0.000012, latencyMs: 400 + (turn % 10) * 20, ttftMs: 150 + (turn % 4) * 10, finishReason: 'stop' })
    push('message.created', { messageId: `a${turn}`, role: 'assistant', content: answer })
    push('metric.sampled', { name: 'fps', value: 60, unit: 'frame/s' })
    if (turn % 10 === 0) push('snapshot.created', { snapshotId: `p${turn}`, description: `after turn ${turn}`, state: { turn } }, true)
    if (turn % 50 === 0) push('annotation.added', { annotationId: `n${turn}`, kind: 'label', key: 'topic', value: 'shipping', target: { eventId: events[events.length - 2]!.id } })
    if (turn % 97 === 0) push('error.raised', { message: `widget failed on turn ${turn}`, source: 'window.error' })
  }
  push('session.ended', { reason: 'stop', lastSeq: events.length }, false, true)
  return { events, turns: turn }
}
