// The conversation of the two pages that have a backend (backend/backend.ts, capture/trace.ts):
// the user's message, a call the page makes to the LLM itself, a question to the page's own
// backend (which calls the LLM with @tapedeck/node), and the answer. What differs between the two
// pages is how the page's calls are recorded and how the backend learns the session.
import type { Recorder } from '@tapedeck/core'

/** What the spec passes the page (e2e/support/backendConversation.ts). */
export interface ConversationTarget {
  endpoint: string
  llm: string
  backend: string
}

export interface ChatOptions {
  /** The fetch the page calls the LLM with. Default the global one. */
  llmFetch?: typeof fetch
  /** Headers of the request to the backend, besides its content type. */
  backendHeaders?: Record<string, string>
}

/** Holds the conversation in the recorder's current session; resolves with the backend's answer. */
export async function chatWithBackend(recorder: Recorder, { llm, backend }: ConversationTarget, { llmFetch = fetch, backendHeaders }: ChatOptions = {}): Promise<string> {
  recorder.record('message.created', { messageId: 'm1', role: 'user', content: 'Hello from the page' })
  const direct = await llmFetch(`${llm}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer sk-browser-e2e' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello from the page' }] }),
  })
  await direct.json()
  const viaBackend = await fetch(`${backend}/api/answer`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...backendHeaders },
    body: JSON.stringify({ question: 'Where is order 42?' }),
  })
  const { text } = (await viaBackend.json()) as { text: string }
  recorder.record('message.created', { messageId: 'm2', role: 'assistant', content: text })
  return text
}

/** Gives the page its `converse()` for the spec to call, and says the page is ready. */
export function exposeConverse(converse: (target: ConversationTarget) => Promise<{ sessionId: string; backendAnswer: string }>): void {
  Object.assign(window, { converse })
  document.body.dataset.ready = 'true'
}
