// A chat page that calls an LLM itself and asks its own backend, with `propagate` on for both
// origins: the recorder adds `traceparent` and `Tapedeck-Session` to the page's requests, so the
// backend (@tapedeck/node) records into this session under the same trace — nothing set by hand.
import { createRecorder } from '@tapedeck/core'
import { instrumentFetch } from '@tapedeck/core/instrument'

export interface TracedConversation {
  endpoint: string
  llm: string
  backend: string
}

async function converse({ endpoint, llm, backend }: TracedConversation): Promise<{ sessionId: string; backendAnswer: string }> {
  const recorder = createRecorder({ endpoint, syncDelayMs: 0, syncIntervalMs: 500, propagate: { origins: [new URL(llm).origin, new URL(backend).origin] } })
  // Instrumented before the session starts, so the propagation wraps it and the recorded call sees the trace it carried.
  const uninstall = instrumentFetch(recorder)
  const { id } = await recorder.start({ metadata: { feature: 'trace-e2e' } })
  recorder.record('message.created', { messageId: 'm1', role: 'user', content: 'Hello from the page' })
  const direct = await fetch(`${llm}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer sk-browser-e2e' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello from the page' }] }),
  })
  await direct.json()
  const viaBackend = await fetch(`${backend}/api/answer`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ question: 'Where is order 42?' }),
  })
  const { text } = (await viaBackend.json()) as { text: string }
  recorder.record('message.created', { messageId: 'm2', role: 'assistant', content: text })
  await recorder.stop()
  uninstall()
  return { sessionId: id, backendAnswer: text }
}

Object.assign(window, { converse })
document.body.dataset.ready = 'true'
