/**
 * One self-contained WAV file (RIFF, PCM 16-bit little-endian) around raw PCM16 samples: what a
 * part of Realtime WebSocket audio is stored as, so each part decodes on its own and a player
 * joins the parts of a blob by their data chunks (`@tapedeck/player`'s `joinWavParts`).
 */
export const WAV_HEADER_BYTES = 44

export function encodeWav(pcm: Uint8Array, sampleRate: number, channels = 1): ArrayBuffer {
  const out = new ArrayBuffer(WAV_HEADER_BYTES + pcm.byteLength)
  const view = new DataView(out)
  const ascii = (at: number, text: string) => {
    for (let i = 0; i < text.length; i++) view.setUint8(at + i, text.charCodeAt(i))
  }
  ascii(0, 'RIFF')
  view.setUint32(4, 36 + pcm.byteLength, true)
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
  view.setUint32(40, pcm.byteLength, true)
  new Uint8Array(out, WAV_HEADER_BYTES).set(pcm)
  return out
}
