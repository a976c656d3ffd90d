// A chat page that calls an LLM itself and asks its own backend, with `propagate` on for both
// origins: the recorder adds `traceparent` and `Tapedeck-Session` to the page's requests, so the
// backend (@tapedeck/node) records into this session under the same trace — nothing set by hand.
import { createRecorder } from '@tapedeck/core'
import { instrumentFetch } from '@tapedeck/core/instrument'
import { chatWithBackend, exposeConverse } from '../chatWithBackend'

exposeConverse(async (target) => {
  const { endpoint, llm, backend } = target
  const recorder = createRecorder({ endpoint, syncDelayMs: 0, syncIntervalMs: 500, propagate: { origins: [new URL(llm).origin, new URL(backend).origin] } })
  // Instrumented before the session starts, so the propagation wraps it and the recorded call sees the trace it carried.
  const uninstall = instrumentFetch(recorder)
  const { id } = await recorder.start({ metadata: { feature: 'trace-e2e' } })
  const backendAnswer = await chatWithBackend(recorder, target)
  await recorder.stop()
  uninstall()
  return { sessionId: id, backendAnswer }
})
