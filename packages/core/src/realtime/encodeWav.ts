/**
 * WAV (RIFF, PCM 16-bit little-endian), written in one place for the whole project: Realtime
 * WebSocket audio is stored as self-contained WAV parts (so each part decodes on its own and a
 * player joins the parts of a blob by their data chunks, `@tapedeck/player`'s `joinWavParts`),
 * and the player's `encodeWav` writes its exports with the same header.
 */
export const WAV_HEADER_BYTES = 44

/** The 44-byte header of a PCM16 WAV whose data chunk holds `dataBytes` bytes. */
export function wavHeader(dataBytes: number, sampleRate: number, channels = 1): Uint8Array<ArrayBuffer> {
  const header = new Uint8Array(WAV_HEADER_BYTES)
  const view = new DataView(header.buffer)
  const ascii = (at: number, text: string) => {
    for (let i = 0; i < text.length; i++) header[at + i] = text.charCodeAt(i)
  }
  ascii(0, 'RIFF')
  view.setUint32(4, 36 + dataBytes, true)
  ascii(8, 'WAVE')
  ascii(12, 'fmt ')
  view.setUint32(16, 16, true) // fmt chunk size
  view.setUint16(20, 1, true) // PCM
  view.setUint16(22, channels, true)
  view.setUint32(24, sampleRate, true)
  view.setUint32(28, sampleRate * channels * 2, true) // bytes per second
  view.setUint16(32, channels * 2, true) // block align
  view.setUint16(34, 16, true) // bits per sample
  ascii(36, 'data')
  view.setUint32(40, dataBytes, true)
  return header
}

/** One self-contained WAV file around raw PCM16 samples. */
export function encodeWav(pcm: Uint8Array, sampleRate: number, channels = 1): ArrayBuffer {
  const out = new Uint8Array(WAV_HEADER_BYTES + pcm.byteLength)
  out.set(wavHeader(pcm.byteLength, sampleRate, channels))
  out.set(pcm, WAV_HEADER_BYTES)
  return out.buffer
}
