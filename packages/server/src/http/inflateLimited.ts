import { ServerError } from '../ServerError.js'

/** Input goes to the inflater in pieces this small, so what is waiting to be inflated stays small too. */
const INPUT_BYTES = 64 * 1024

/**
 * Inflates gzip with the platform's `DecompressionStream('gzip')` (zlib in Node, off the main
 * thread): it reads concatenated members and checks each one's CRC-32 and length. Output is
 * pulled chunk by chunk, never more than the reader asks for, and refused with 413 as soon as
 * it grows past `maxBytes`: a gzip bomb costs at most the limit, never memory.
 */
export async function* inflateLimited(body: Uint8Array, maxBytes: number): AsyncGenerator<Uint8Array> {
  let offset = 0
  const input = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= body.length) return controller.close()
      controller.enqueue(body.slice(offset, (offset += INPUT_BYTES)))
    },
  })
  const gunzip = new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>
  const reader = input.pipeThrough(gunzip).getReader()
  let total = 0
  try {
    for (;;) {
      let next
      try {
        next = await reader.read()
      } catch (error) {
        throw new ServerError('invalid_gzip', 'The body is not valid gzip (a bad header, CRC or length, truncated, or followed by other bytes).', { cause: error })
      }
      if (next.done) return
      total += next.value.length
      if (total > maxBytes) throw new ServerError('decompressed_too_large', `The batch inflates to more than ${maxBytes} bytes.`)
      yield next.value
    }
  } finally {
    await reader.cancel().catch(() => undefined)
  }
}
