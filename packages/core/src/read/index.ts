// `@tapedeck/core/read`: a client for a Tapedeck server's read API (docs/protocol.md §4,
// docs/server.md), and the shapes it answers. No recorder code: an admin page, a Node script or
// the Studio import only this.
export { createReadClient, sessionPath, type ReadClient, type ReadClientOptions, type ReadInit, type ReadToken } from './createReadClient'
export { ReadApiError } from './ReadApiError'
export { toSearchParams } from './toSearchParams'
export { withBearer } from '../util/endpoint'
export type * from '../protocol/readApi'

// The sealed-data format (docs/protocol.md §6), for readers that open what `encryptForServer` sealed.
export { IV_BYTES, RSA_OAEP, SEALING_ALG, eventAad, fromBase64, jwkThumbprint, partAad, staysClear, toBase64 } from '../crypto/sealingFormat'
