/// <reference lib="webworker" />
/** Compression in a worker, as the recorder compresses: fflate's `gzipSync`, and the native `CompressionStream`. */
import { expose } from 'comlink'
import { gzipSync, type GzipOptions } from 'fflate'

let input: Uint8Array = new Uint8Array(0)

export type CompressionMethod = { kind: 'fflate'; level: NonNullable<GzipOptions['level']>; mem?: GzipOptions['mem'] } | { kind: 'native' }

const api = {
  setInput(bytes: Uint8Array): number {
    input = bytes
    return input.byteLength
  },

  /**
   * Compresses the input once, whole or (`pieceBytes`) in pieces of that size, each its own gzip
   * member as the recorder writes chunks; returns the time it took and the size it came to.
   */
  async compress(method: CompressionMethod, pieceBytes = input.byteLength): Promise<{ ms: number; inBytes: number; outBytes: number }> {
    const started = performance.now()
    let outBytes = 0
    for (let offset = 0; offset < input.byteLength; offset += pieceBytes) {
      const piece = input.subarray(offset, offset + pieceBytes)
      if (method.kind === 'fflate') {
        const options: GzipOptions = method.mem === undefined ? { level: method.level } : { level: method.level, mem: method.mem }
        outBytes += gzipSync(piece, options).byteLength
      } else {
        const stream = new Blob([piece as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'))
        outBytes += (await new Response(stream).arrayBuffer()).byteLength
      }
    }
    return { ms: performance.now() - started, inBytes: input.byteLength, outBytes }
  },
}

export type CompressionApi = typeof api
expose(api)
