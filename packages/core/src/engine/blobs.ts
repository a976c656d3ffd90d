import { TapedeckError, type ErrorInfo } from '../errors'
import { ID_PATTERN } from '../events/serialize'
import type { ServerKey } from '../crypto/sealForServer'
import { openedStore, type ChunkCodec } from '../storage/ChunkCodec'
import { isQuotaError, writeError, type RecordStore } from '../storage/RecordStore'
import type { SessionRecord, StoredBlob } from '../storage/schema'
import type { SyncEngine } from '../sync/SyncEngine'
import type { SpaceBudget } from './SpaceBudget'
import type { BlobInput } from './protocol'

/** What storing and reading attachment parts needs of the engine. */
export interface BlobHost {
  store: RecordStore
  codec: ChunkCodec
  server: ServerKey | undefined
  sealing(): Promise<typeof import('../crypto/sealForServer')>
  /** The session as the engine last wrote it, or as stored. */
  session(id: string): Promise<SessionRecord | undefined>
  budget: SpaceBudget
  /** Unsent events went to make room (`onFull: 'drop-oldest'`): reported in the session's next batch. */
  dropped(sessionId: string, count: number): void
  sync: SyncEngine | undefined
}

/** Stores one part: sealed with the session's current key when the session is sealed, encrypted at rest, within `maxLocalBytes`. */
export async function storeBlob(host: BlobHost, input: BlobInput): Promise<{ stored: boolean; error?: ErrorInfo }> {
  const { store, codec } = host
  if (![input.sessionId, input.blobId].every((id) => ID_PATTERN.test(id)) || !Number.isInteger(input.part) || input.part < 0) {
    throw new Error('Bad blob ids')
  }
  const size = input.bytes.byteLength
  // A part of a sealed session is sealed with the session's current key, like its events.
  const { sessionId, blobId, part } = input
  const session = await host.session(sessionId)
  const key = session?.sealing?.at(-1)?.contentKey
  if (!key && !session && host.server) {
    const message = `Part ${part} of ${blobId} was not stored: session ${sessionId} has no content key yet (attach after start() resolves).`
    return { stored: false, error: { code: 'encryption_failed', message, at: Date.now() } }
  }
  const plain = key ? await (await host.sealing()).sealPart(key, sessionId, blobId, part, input.bytes) : input.bytes
  const bytes = await codec.sealBlob(plain)
  const blob: StoredBlob = {
    ...input,
    bytes,
    size,
    createdAt: Date.now(),
    state: 'pending',
    attempts: 0,
    ...(codec.encrypting && { encrypted: true }),
    ...(key && { sealed: true }),
  }
  try {
    await host.budget.makeRoom(bytes.byteLength, (count) => host.dropped(sessionId, count))
    await store.putBlob(blob).catch(async (error: unknown) => {
      // A full disk: make room from what the server already has, once.
      if (!isQuotaError(error) || (await store.evictSent(blob.size * 2)) === 0) throw error
      await store.putBlob(blob)
    })
  } catch (error) {
    return { stored: false, error: writeError(error, (message) => `Part ${part} of ${blobId} could not be stored: ${message}`) }
  }
  host.budget.add(bytes.byteLength)
  host.sync?.addedBlob(blob.size)
  return { stored: true }
}

/** One part as the app attached it: decrypted, and opened with the session's keys when sealed. */
export async function getBlob(host: Pick<BlobHost, 'store' | 'codec' | 'sealing'>, sessionId: string, blobId: string, part: number): Promise<StoredBlob | undefined> {
  const blob = await openedStore(host.store, host.codec).getBlob(sessionId, blobId, part)
  if (!blob?.sealed) return blob
  const keys = (await host.store.getSession(sessionId))?.sealing
  if (!keys) throw new TapedeckError('encryption_failed', `Part ${part} of ${blobId} is sealed, and session ${sessionId} has no key here to open it.`)
  const { sealed: _sealed, ...opened } = blob
  return { ...opened, bytes: await (await host.sealing()).openPart(keys, sessionId, blobId, part, blob.bytes) }
}
