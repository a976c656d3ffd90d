import type { MessageCreatedData } from '@tapedeck/core'
import type { CheckContext } from '../Check'

export interface SeenAnswer {
  text: string
  eventId: string
}

/**
 * The assistant's answers: `message.created` with role `assistant` (text content), else — when
 * the app recorded no messages — the text of each completed provider call.
 */
export function answersOf({ events, calls }: Pick<CheckContext, 'events' | 'calls'>): SeenAnswer[] {
  const answers: SeenAnswer[] = []
  for (const event of events) {
    if (event.type !== 'message.created') continue
    const data = event.data as MessageCreatedData
    if (data.role === 'assistant' && typeof data.content === 'string') answers.push({ text: data.content, eventId: event.id })
  }
  if (answers.length > 0) return answers
  for (const call of calls) {
    const text = call.response?.text
    if (call.status === 'completed' && typeof text === 'string' && text !== '') answers.push({ text, eventId: call.ended!.id })
  }
  return answers
}
