import { zipSync, type Zippable } from 'fflate'
import type { SessionStore } from '../store/SessionStore.js'
import type { SessionDetail } from '@tapedeck/core'

/**
 * A zip of events.jsonl, metadata.json (the session detail and a list of blobs),
 * review-annotations.json (the reviewers' annotations) and blobs/{blobId}/{part}. Blobs are stored as they are: recorded audio is already compressed.
 */
export async function exportZip(store: SessionStore, detail: SessionDetail): Promise<Uint8Array<ArrayBuffer>> {
  const encoder = new TextEncoder()
  const lines: string[] = []
  for await (const event of store.readEvents(detail.id)) lines.push(JSON.stringify(event))
  const files: Zippable = { 'events.jsonl': [encoder.encode(lines.length ? `${lines.join('\n')}\n` : ''), { level: 6 }] }
  const blobs = []
  for (const ref of await store.listBlobs(detail.id)) {
    const blob = await store.getBlob(detail.id, ref.blobId, ref.part)
    if (!blob) continue
    const path = `blobs/${ref.blobId}/${ref.part}`
    files[path] = [blob.bytes, { level: 0 }]
    blobs.push({ ...ref, path })
  }
  files['metadata.json'] = encoder.encode(`${JSON.stringify({ ...detail, blobs }, null, 2)}\n`)
  files['review-annotations.json'] = encoder.encode(`${JSON.stringify((await store.listAnnotations(detail.id)) ?? [], null, 2)}\n`)
  return zipSync(files)
}
