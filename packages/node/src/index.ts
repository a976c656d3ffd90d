// `@tapedeck/node`: the app's backend records its LLM calls into the browser session that asked
// for them (docs/protocol.md, "Linked streams"). No browser code: Node's fetch and the SDKs.
export { createNodeRecorder, type NodeRecorder, type NodeRecorderOptions, type NodeRecorderStats } from './createNodeRecorder.js'
export { tapedeckExpress, type HeaderCarrier } from './express.js'
export { tapedeckRoute } from './nextRoute.js'
export { SESSION_HEADER, sessionIdOf } from './sessionHeader.js'
