// A chat page with its own backend: the page calls an LLM itself (recorded by the browser
// recorder) and asks its backend, which calls the LLM with @tapedeck/node. The page passes its
// session id to the backend in the Tapedeck-Session header by hand.
import { createRecorder } from '@tapedeck/core'
import { createInstrumentedFetch } from '@tapedeck/core/instrument'

export interface Conversation {
  endpoint: string
  llm: string
  backend: string
}

async function converse({ endpoint, llm, backend }: Conversation): Promise<{ sessionId: string; backendAnswer: string }> {
  const recorder = createRecorder({ endpoint, syncDelayMs: 0, syncIntervalMs: 500 })
  const { id } = await recorder.start({ metadata: { feature: 'backend-e2e' } })
  const llmFetch = createInstrumentedFetch(recorder)
  recorder.record('message.created', { messageId: 'm1', role: 'user', content: 'Hello from the page' })
  const direct = await llmFetch(`${llm}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer sk-browser-e2e' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello from the page' }] }),
  })
  await direct.json()
  const viaBackend = await fetch(`${backend}/api/answer`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Tapedeck-Session': id },
    body: JSON.stringify({ question: 'Where is order 42?' }),
  })
  const { text } = (await viaBackend.json()) as { text: string }
  recorder.record('message.created', { messageId: 'm2', role: 'assistant', content: text })
  await llmFetch.settled()
  await recorder.stop()
  return { sessionId: id, backendAnswer: text }
}

Object.assign(window, { converse })
document.body.dataset.ready = 'true'
