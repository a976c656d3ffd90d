import { ServerError } from '../ServerError.js'

/**
 * Reads a request body into memory, refusing with 413 before reading more than `maxBytes`:
 * at once when Content-Length says so, else as soon as the count passes the limit. A body the
 * client stops sending (it closed the connection) is 408 body_incomplete.
 */
export async function readBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () => new ServerError('body_too_large', `The body is larger than ${maxBytes} bytes.`)
  const declared = Number(request.headers.get('content-length') ?? Number.NaN)
  if (declared > maxBytes) throw tooLarge()
  if (!request.body) return new Uint8Array(0)
  const chunks: Uint8Array[] = []
  let total = 0
  const reader = request.body.getReader()
  for (;;) {
    const { done, value } = await reader.read().catch((error: unknown) => {
      // The client closed the connection mid-body (a tab closing while it sends): its request, not a server failure.
      throw new ServerError('body_incomplete', 'The request body ended before it was complete; send it again.', { cause: error })
    })
    if (done) break
    total += value.length
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined)
      throw tooLarge()
    }
    chunks.push(value)
  }
  if (chunks.length === 1) return chunks[0]!
  const body = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.length
  }
  return body
}
