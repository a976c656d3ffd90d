import { ServerError } from '../ServerError.js'
import { readBody } from './readBody.js'

/** A JSON object body of at most `maxBytes`, sent as application/json; `{}` when empty. */
export async function readJsonBody(request: Request, maxBytes: number): Promise<Record<string, unknown>> {
  const text = new TextDecoder().decode(await readBody(request, maxBytes)).trim()
  if (text === '') return {}
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  if (type !== 'application/json') throw new ServerError('unsupported_media_type', 'Send the body as Content-Type: application/json.')
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (error) {
    throw new ServerError('invalid_body', 'The body is not JSON.', { cause: error })
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ServerError('invalid_body', 'The body must be a JSON object.')
  return body as Record<string, unknown>
}
