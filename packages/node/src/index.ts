// `@tapedeck/node`: the app's backend records its LLM calls into the browser session that asked
// for them (docs/protocol.md, "Linked streams"). No browser code: Node's fetch and the SDKs.
export { createNodeRecorder, type NodeRecorder, type NodeRecorderOptions, type NodeRecorderStats } from './createNodeRecorder.js'
export { tapedeckExpress, tapedeckExpressErrors, type HeaderCarrier } from './express.js'
export { tapedeckRoute } from './nextRoute.js'
export type { CloseOnExitOptions } from './closeOnExit.js'
export type { RedactFunction } from './createEventRedactor.js'
export { SESSION_HEADER, sessionIdOf } from './sessionHeader.js'
