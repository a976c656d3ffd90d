// A chat page with its own backend: the page calls an LLM itself (recorded by the browser
// recorder) and asks its backend, which calls the LLM with @tapedeck/node. The page passes its
// session id to the backend in the Tapedeck-Session header by hand.
import { createRecorder } from '@tapedeck/core'
import { createInstrumentedFetch } from '@tapedeck/core/instrument'
import { chatWithBackend, exposeConverse } from '../chatWithBackend'

exposeConverse(async (target) => {
  const recorder = createRecorder({ endpoint: target.endpoint, syncDelayMs: 0, syncIntervalMs: 500 })
  const { id } = await recorder.start({ metadata: { feature: 'backend-e2e' } })
  const llmFetch = createInstrumentedFetch(recorder)
  const backendAnswer = await chatWithBackend(recorder, target, { llmFetch, backendHeaders: { 'Tapedeck-Session': id } })
  await llmFetch.settled()
  await recorder.stop()
  return { sessionId: id, backendAnswer }
})
