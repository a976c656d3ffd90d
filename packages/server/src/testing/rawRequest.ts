import { request as httpRequest } from 'node:http'

export interface RawAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** A request whose path is sent exactly as written: fetch would normalise dot segments and backslashes away. */
export function rawRequest(url: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: Uint8Array | string } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/`, { path, method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

/** The `error.code` of a raw answer. */
export function rawErrorCode(answer: RawAnswer): string {
  try {
    return (JSON.parse(answer.body) as { error?: { code?: string } }).error?.code ?? '(none)'
  } catch {
    return `(not JSON: ${answer.body.slice(0, 80)})`
  }
}
