import { recordableUrl } from '../instrument/credentials'

/**
 * A request's URL as capture records it: resolved against the page, origin and path
 * (`recordableUrl`), the query string only with `query: true` (it often carries tokens and ids).
 */
export function requestUrl(input: string, query = false): string {
  try {
    const url = new URL(input, globalThis.location?.href)
    return recordableUrl(url) + (query ? url.search : '')
  } catch {
    return String(input).split(/[?#]/)[0]!.slice(0, 2000)
  }
}
