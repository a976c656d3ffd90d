/**
 * The parts of one WAV blob as one WAV file. Realtime WebSocket audio is stored as WAV parts
 * that each decode on their own (docs/realtime.md); played as one stream they need one header:
 * the first part's format, and the `data` chunks of all parts one after another. Parts that are
 * byte slices of one WAV (only the first has a header, as an app may `attach()` a file in parts)
 * are concatenated as they are.
 */
export async function joinWavParts(parts: readonly Blob[]): Promise<Blob> {
  const datas: Uint8Array[] = []
  let format: Uint8Array | undefined
  for (const part of parts) {
    const chunks = readChunks(new Uint8Array(await part.arrayBuffer()))
    const data = chunks.get('data')
    if (!data) return new Blob(parts as Blob[], { type: 'audio/wav' }) // slices of one file
    format ??= chunks.get('fmt ')
    datas.push(data)
  }
  if (!format || parts.length < 2) return new Blob(parts as Blob[], { type: 'audio/wav' })
  const size = datas.reduce((sum, data) => sum + data.byteLength, 0)
  const header = new Uint8Array(20 + format.byteLength + 8)
  const view = new DataView(header.buffer)
  const ascii = (at: number, text: string) => {
    for (let i = 0; i < 4; i++) header[at + i] = text.charCodeAt(i)
  }
  ascii(0, 'RIFF')
  view.setUint32(4, header.byteLength - 8 + size, true)
  ascii(8, 'WAVE')
  ascii(12, 'fmt ')
  view.setUint32(16, format.byteLength, true)
  header.set(format, 20)
  ascii(20 + format.byteLength, 'data')
  view.setUint32(24 + format.byteLength, size, true)
  return new Blob([header, ...datas] as BlobPart[], { type: 'audio/wav' })
}

/** The chunks of a RIFF/WAVE file by id (their bodies); empty when the bytes are not one. */
function readChunks(bytes: Uint8Array): Map<string, Uint8Array> {
  const chunks = new Map<string, Uint8Array>()
  const id = (at: number) => String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!)
  if (bytes.byteLength < 12 || id(0) !== 'RIFF' || id(8) !== 'WAVE') return chunks
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (let at = 12; at + 8 <= bytes.byteLength; ) {
    const size = view.getUint32(at + 4, true)
    chunks.set(id(at), bytes.subarray(at + 8, Math.min(bytes.byteLength, at + 8 + size)))
    at += 8 + size + (size & 1)
  }
  return chunks
}
