import { playerError } from '../playerError'
import { joinWavParts } from './joinWavParts'
import type { BlobPartInfo, RecordingBlobs } from './Recording'

/** Reads one part's bytes from wherever the recording came from; `undefined` when it is not there. */
export type PartGetter = (info: BlobPartInfo) => Promise<Blob | undefined>

function compareParts(a: BlobPartInfo, b: BlobPartInfo): number {
  const track = (a.track ?? '\uffff').localeCompare(b.track ?? '\uffff')
  if (track !== 0) return track
  const time = (a.startT ?? Infinity) - (b.startT ?? Infinity)
  if (time !== 0 && !Number.isNaN(time)) return time
  return a.blobId === b.blobId ? a.part - b.part : a.blobId < b.blobId ? -1 : 1
}

export function createBlobs(list: BlobPartInfo[], getPart?: PartGetter): RecordingBlobs {
  const parts = list.sort(compareParts)
  const byKey = new Map(parts.map((part) => [`${part.blobId}\u0000${part.part}`, part]))
  const tracks = new Map<string, BlobPartInfo[]>()
  for (const part of parts) {
    if (part.track === undefined) continue
    let track = tracks.get(part.track)
    if (!track) tracks.set(part.track, (track = []))
    track.push(part)
  }

  const get = async (blobId: string, part: number): Promise<Blob> => {
    const info = byKey.get(`${blobId}\u0000${part}`) ?? { blobId, part, mimeType: 'application/octet-stream' }
    const blob = getPart ? await getPart(info) : undefined
    if (!blob) throw playerError('blob_not_found', `Blob ${blobId} part ${part} is not in this recording's source (a JSONL export carries no audio: use a zip, the recorder or the server).`)
    return blob
  }

  return {
    parts,
    track: (name) => tracks.get(name) ?? [],
    get,
    async trackBlob(name, blobId) {
      const track = tracks.get(name) ?? []
      const id = blobId ?? track[0]?.blobId
      const own = track.filter((part) => part.blobId === id).sort((a, b) => a.part - b.part)
      if (own.length === 0) return null
      const blobs = await Promise.all(own.map((part) => get(part.blobId, part.part)))
      // WAV parts (realtime WebSocket audio) each carry a header: joined by their data.
      if (own[0]!.mimeType === 'audio/wav') return joinWavParts(blobs)
      return new Blob(blobs, { type: own[0]!.mimeType })
    },
  }
}
