// `@tapedeck/server/node`: the handler as a listener of Node's own http types (http.createServer,
// Express, Fastify, Connect). An entry of its own so that the main one names nothing of node:http.
export { toNodeListener, type NodeListener } from './node/toNodeListener.js'
export type { NodeListenerOptions } from './node/NodeListenerOptions.js'
