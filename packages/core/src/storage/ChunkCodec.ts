import { decrypt, encrypt } from '../crypto/atRest'
import { TapedeckError } from '../errors'
import { gunzip, gzip } from '../util/gzip'
import type { CompressionLevel } from './encodeBatch'
import type { RecordStore } from './RecordStore'

type Stored = { bytes: ArrayBuffer; encrypted?: boolean; raw?: true }

/** How bytes are kept at rest: gzip (unless stored raw, for now), then (with the `encryption` option) AES-GCM. */
export interface ChunkCodec {
  readonly encrypting: boolean
  /** NDJSON → what a chunk stores: compressed, or (`compress: false`) as it is. */
  seal(raw: Uint8Array, compress?: boolean): Promise<Uint8Array>
  /** An attachment part → what the store keeps (encrypted, or as it is). */
  sealBlob(bytes: ArrayBuffer): Promise<ArrayBuffer>
  /** What a chunk or part stores → its plain bytes (for a chunk: the gzip member, or the NDJSON of a raw one). */
  open(stored: Stored): Promise<Uint8Array>
  /** A stored chunk's gzip member: what is uploaded (a raw chunk is compressed here). */
  member(stored: Stored): Promise<Uint8Array>
  /** A stored chunk's NDJSON. */
  text(stored: Stored): Promise<Uint8Array>
}

export function createChunkCodec(options: { level?: CompressionLevel; key?: CryptoKey } = {}): ChunkCodec {
  const { level, key } = options
  const open: ChunkCodec['open'] = async ({ bytes, encrypted }) => {
    const stored = new Uint8Array(bytes)
    if (!encrypted) return stored
    if (!key) {
      throw new TapedeckError('encryption_failed', 'This data is encrypted: start the recorder with the `encryption` option to read or upload it.')
    }
    return decrypt(key, stored)
  }
  return {
    encrypting: key !== undefined,
    async seal(raw, compress = true) {
      const bytes = compress ? await gzip(raw, level) : raw
      return key ? encrypt(key, bytes) : bytes
    },
    async sealBlob(bytes) {
      return key ? ((await encrypt(key, new Uint8Array(bytes))).buffer as ArrayBuffer) : bytes
    },
    open,
    async member(stored) {
      const plain = await open(stored)
      return stored.raw ? gzip(plain, level) : plain
    },
    async text(stored) {
      const plain = await open(stored)
      return stored.raw ? plain : gunzip(plain)
    },
  }
}

/**
 * The store as the uploader needs it: each chunk's bytes as the gzip member to send (decrypted,
 * compressed if stored raw), each part's decrypted — and the next part to upload, when sealed, as
 * `application/octet-stream` (its type is in its sealed event). Storing goes through the store itself.
 */
export function openedStore(store: RecordStore, codec: ChunkCodec): RecordStore {
  const asMember = async <T extends Stored>(item: T): Promise<T> => {
    if (!item.encrypted && !item.raw) return item
    const { raw: _raw, encrypted: _encrypted, ...rest } = item
    return { ...rest, bytes: (await codec.member(item)).buffer as ArrayBuffer } as T
  }
  const openPart = async <T extends Stored>(item: T): Promise<T> => (item.encrypted ? { ...item, bytes: (await codec.open(item)).buffer as ArrayBuffer } : item)
  return {
    ...store,
    kind: store.kind,
    nextOutbox: async (maxBytes, maxChunks) => Promise.all((await store.nextOutbox(maxBytes, maxChunks)).map(asMember)),
    getChunks: async (sessionId, fromSeq) => Promise.all((await store.getChunks(sessionId, fromSeq)).map(asMember)),
    nextBlob: async () => {
      const blob = await store.nextBlob()
      return blob && openPart(blob.sealed ? { ...blob, mimeType: 'application/octet-stream' } : blob)
    },
    getBlob: async (sessionId, blobId, part) => {
      const blob = await store.getBlob(sessionId, blobId, part)
      return blob && openPart(blob)
    },
  }
}
