// The sealing test page: the recorder, the player that opens sealed recordings, and the stored
// session record read around the recorder (its content keys).
import { createRecorder } from '@tapedeck/core'
import { createSealingKeys, loadRecording } from '@tapedeck/player'
import { openDB } from 'idb'

/** What the session record holds of its content keys: how many, and whether a script can read one. */
async function storedKeys(dbName: string, sessionId: string): Promise<Array<{ kid: string; fromSeq: number; extractable: boolean; exportable: boolean }>> {
  const db = await openDB(dbName)
  const session = await db.get('sessions', sessionId)
  db.close()
  const keys = (session?.sealing ?? []) as Array<{ kid: string; fromSeq: number; contentKey: CryptoKey }>
  return Promise.all(
    keys.map(async ({ kid, fromSeq, contentKey }) => ({
      kid,
      fromSeq,
      extractable: contentKey.extractable,
      exportable: await crypto.subtle.exportKey('raw', contentKey).then(() => true, () => false),
    })),
  )
}

Object.assign(window, { sealing: { createRecorder, createSealingKeys, loadRecording, storedKeys } })
document.body.dataset.ready = 'true'
