import type { ServerSource } from './loadRecording'

/** The headers of a request to a server: the source's own, and its key as `Authorization: Bearer …`. */
export async function serverHeaders(source: Pick<ServerSource, 'headers' | 'token'>): Promise<Headers> {
  const headers = new Headers(source.headers)
  const token = typeof source.token === 'function' ? await source.token() : source.token
  if (token) headers.set('Authorization', `Bearer ${token}`)
  return headers
}
