import { createGunzip } from 'node:zlib'
import { ServerError } from '../ServerError.js'

/**
 * Inflates gzip with the platform's zlib (off the main thread): it reads concatenated members
 * and checks each one's CRC-32 and length. Output is pulled chunk by chunk (16 KiB), never
 * more than the reader asks for, and refused with 413 as soon as it grows past `maxBytes`:
 * a gzip bomb costs at most the limit, never memory. node:zlib rather than
 * `DecompressionStream('gzip')`: Node 20's web-stream adapter throws an uncaught error (and
 * ends the process) when a reader stops early while zlib still has output, which is exactly
 * what refusing a batch half-way does.
 */
export async function* inflateLimited(body: Uint8Array, maxBytes: number): AsyncGenerator<Uint8Array> {
  const gunzip = createGunzip()
  gunzip.end(body)
  let total = 0
  const chunks = gunzip[Symbol.asyncIterator]()
  try {
    for (;;) {
      let next: IteratorResult<Buffer>
      try {
        next = (await chunks.next()) as IteratorResult<Buffer>
      } catch (error) {
        throw new ServerError('invalid_gzip', 'The body is not valid gzip (a bad header, CRC or length, truncated, or followed by other bytes).', { cause: error })
      }
      if (next.done) return
      total += next.value.length
      if (total > maxBytes) throw new ServerError('decompressed_too_large', `The batch inflates to more than ${maxBytes} bytes.`)
      yield next.value
    }
  } finally {
    gunzip.destroy()
  }
}
