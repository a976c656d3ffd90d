// `@tapedeck/core/instrument`: recording LLM calls, chat transports and user actions without
// hand-written code. A subpath of its own, so a page that only records pays nothing for it.
export {
  instrumentFetch,
  createInstrumentedFetch,
  type FetchFunction,
  type FetchInstrumentation,
  type FetchMatch,
  type InstrumentFetchOptions,
  type InstrumentedFetch,
} from './instrumentFetch'
export { recordChatTransport, CHAT_STATUS_EVENT, type ChatTransportShape, type RecordChatTransportOptions } from './recordChatTransport'
export { describeLlmRequest } from './describeLlmRequest'
export type { LlmApi, PromptMessage, RequestDescription } from './llmApi'
export { autoCapture, type AutoCapture, type AutoCaptureOptions } from './autoCapture'
export { DEFAULT_PRICES, PRICE_TABLE_VERSION, computeCost, lookupPrice, type CostResult, type CostSource, type ModelPrice, type PriceTable } from './prices'
export { normalizeUsage, type BillableTokens, type NormalizedUsage, type UsageFormat } from './normalizeUsage'
export { createSseParser, type SseEvent, type SseParser } from './sseParser'
export type { CaptureMode, InstrumentStats, RecorderLike } from './safeRecorder'
// The recorder's `autoCapture` and `propagate` options, usable alone on any recorder (docs/capture.md).
export { captureConsole, type ConsoleCaptureOptions } from '../capture/captureConsole'
export { captureNetwork, type NetworkCaptureOptions } from '../capture/captureNetwork'
export { captureSocket, type SocketCaptureOptions } from '../capture/captureSocket'
export { captureWebVitals } from '../capture/captureWebVitals'
export { propagateTrace, type PropagateOptions } from '../capture/propagateTrace'
export { traceOf, type TraceContext } from '../capture/traceOf'
