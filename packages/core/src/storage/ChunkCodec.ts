import { decrypt, encrypt } from '../crypto/atRest'
import { TapedeckError } from '../errors'
import { gzip } from '../util/gzip'
import type { CompressionLevel } from './encodeBatch'
import type { RecordStore } from './RecordStore'

/** How bytes are kept at rest: gzip, then (with the `encryption` option) AES-GCM. */
export interface ChunkCodec {
  readonly encrypting: boolean
  /** NDJSON → what a chunk stores. */
  seal(raw: Uint8Array): Promise<Uint8Array>
  /** An attachment part → what the store keeps (encrypted, or as it is). */
  sealBlob(bytes: ArrayBuffer): Promise<ArrayBuffer>
  /** What a chunk or part stores → its plain bytes (for a chunk: the gzip member). */
  open(stored: { bytes: ArrayBuffer; encrypted?: boolean }): Promise<Uint8Array>
}

export function createChunkCodec(options: { level?: CompressionLevel; key?: CryptoKey } = {}): ChunkCodec {
  const { level, key } = options
  const open: ChunkCodec['open'] = async ({ bytes, encrypted }) => {
    const stored = new Uint8Array(bytes)
    if (!encrypted) return stored
    if (!key) {
      throw new TapedeckError('encryption_failed', 'This data was stored encrypted: start the recorder with the `encryption` option to read or upload it.')
    }
    return decrypt(key, stored)
  }
  return {
    encrypting: key !== undefined,
    async seal(raw) {
      const member = await gzip(raw, level)
      return key ? encrypt(key, member) : member
    },
    async sealBlob(bytes) {
      return key ? ((await encrypt(key, new Uint8Array(bytes))).buffer as ArrayBuffer) : bytes
    },
    open,
  }
}

/**
 * The store as readers need it: chunk and part bytes opened (decrypted). Sync uploads what this
 * returns; storing goes through the store itself.
 */
export function openedStore(store: RecordStore, codec: ChunkCodec): RecordStore {
  const openChunk = async <T extends { bytes: ArrayBuffer; encrypted?: boolean }>(item: T): Promise<T> =>
    item.encrypted ? { ...item, bytes: (await codec.open(item)).buffer as ArrayBuffer } : item
  return {
    ...store,
    kind: store.kind,
    nextOutbox: async (maxBytes, maxChunks) => Promise.all((await store.nextOutbox(maxBytes, maxChunks)).map(openChunk)),
    getChunks: async (sessionId, fromSeq) => Promise.all((await store.getChunks(sessionId, fromSeq)).map(openChunk)),
    nextBlob: async () => {
      const blob = await store.nextBlob()
      return blob && openChunk(blob)
    },
    getBlob: async (sessionId, blobId, part) => {
      const blob = await store.getBlob(sessionId, blobId, part)
      return blob && openChunk(blob)
    },
  }
}
