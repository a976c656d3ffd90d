// Seeded hostile requests for hostile/fuzz.test.ts: every route, with wrong types, odd numbers,
// control characters, prototype keys, repeated parameters, wrong methods and headers.
import { gzipSync } from 'node:zlib'

export interface FuzzRequest {
  method: string
  /** Sent as written (percent-encoded by the generator). */
  path: string
  headers?: Record<string, string>
  body?: string | Uint8Array
}

type Random = () => number

const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)]!
/** Percent-encodes every UTF-8 byte, so NUL, spaces and `&` reach the server's parser as sent. */
const encode = (text: string) => [...Buffer.from(text)].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')

/** Values for every query parameter: numbers past every range, control characters, lone words of other parameters. */
const VALUES = [
  '', ' ', '0', '-0', '-1', '1', '1.5', '1e2', '1e308', '1e309', 'NaN', 'Infinity', '0x10', '9'.repeat(30), '9007199254740993',
  '9223372036854775808', '8640000000000001', '-8640000000000000', '1'.repeat(300), `0.${'0'.repeat(400)}1`,
  '\u0000', 'a\u0000b', '\u001b[31m', '\uFFFF', '😀', '\u202e', 'x'.repeat(300), 'é'.repeat(1025),
  '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'true', 'false', 'null', '[]',
  'day', 'hour', 'model', 'tag', 'check', 'day,', ',', 'day,,model', 'day,model,userId,feature,agentId,tag,hour',
  'linked', 'costUsd', 'durationMs', 'errors', 'calls', 'asc', 'desc', 'jsonl', 'zip', 'csv', 'html', 'vtt', 'srt', 'txt',
  '2026-11-02', '+275760-09-13T00:00:00.000Z', '1970-01-01T00:00:00.000+99:99', 'ended', 'gpt-4o', 'beta', 'gold', 'u_a',
  'hello Lisbon', 'a b c d e f g h i j k l m n o p q', "' or 1=1 --", '%', '\\', '..',
]
/** Raw encodings a decoder may refuse: bad escapes, overlong and surrogate UTF-8. */
const RAW = ['%', '%zz', '%C0%80', '%ED%A0%80', '%FF', '%E2%82', '%00', '%2', '+']
const PARAMS: Record<string, readonly string[]> = {
  '/v1/sessions': ['userId', 'feature', 'status', 'from', 'to', 'limit', 'cursor', 'streams', 'agentId', 'tag', 'label', 'model', 'hasErrors', 'hasAudio', 'reviewed', 'flagged', 'minCostUsd', 'maxCostUsd', 'minDurationMs', 'q', 'sort', 'order'],
  '/v1/stats': ['groupBy', 'limit', 'from', 'to', 'userId', 'status', 'tag', 'model', 'hasErrors', 'flagged', 'minCostUsd', 'minDurationMs', 'q', 'cursor', 'sort', 'streams'],
  '/v1/stats/checks': ['groupBy', 'from', 'to', 'tag', 'model', 'agentId', 'q', 'limit'],
  '/v1/export': ['format', 'from', 'to', 'userId', 'q', 'tag', 'limit', 'cursor', 'streams'],
  '/v1/sessions/s_alpha/events': ['fromSeq', 'limit', 'streams'],
  '/v1/sessions/s_beta/export': ['format'],
  '/v1/users': ['userId'],
}
const ODD_NAMES = ['__proto__', 'constructor', 'toString', '', 'userId[]']

/** A cursor of any sort key with any id: past every column's range, fractions, negative zero. */
function cursor(random: Random): string {
  const key = pick(random, ['1e308', '-1e308', '1.5', '-0', '9'.repeat(300), '9223372036854775808', '2147483648', '1764460800000', '1e-320', ''])
  return Buffer.from(`${key}:${pick(random, ['s_alpha', 'x', 's_zzz'])}`).toString('base64url')
}

/** GET (and HEAD, and DELETE /v1/users) with 1 to 4 parameters, each sometimes repeated. */
export function queryRequests(random: Random, count: number): FuzzRequest[] {
  return Array.from({ length: count }, () => {
    const path = pick(random, Object.keys(PARAMS))
    const parts: string[] = []
    for (let k = 1 + Math.floor(random() * 4); k > 0; k--) {
      const name = random() < 0.1 ? pick(random, ODD_NAMES) : pick(random, PARAMS[path]!)
      const r = random()
      const value = name === 'cursor' && r < 0.6 ? cursor(random) : r < 0.1 ? pick(random, RAW) : encode(pick(random, VALUES))
      parts.push(`${encode(name)}=${value}`)
      if (random() < 0.1) parts.push(`${encode(name)}=${encode(pick(random, VALUES))}`)
    }
    const method = path === '/v1/users' ? 'DELETE' : random() < 0.1 ? 'HEAD' : 'GET'
    if (path === '/v1/sessions' && random() < 0.2) {
      // `sort` with a cursor of another sort, the pair no single parameter shows; alone, so no other parameter is refused first.
      const key = pick(random, ['2147483648', '1764460800000', '-2147483649', '1.5'])
      return { method, path: `/v1/sessions?sort=${pick(random, ['errors', 'calls'])}&cursor=${Buffer.from(`${key}:s_alpha`).toString('base64url')}` }
    }
    return { method, path: `${path}?${parts.join('&')}` }
  })
}

/** Any JSON value: the wrong type for every field, prototype keys, lone surrogates, NUL. */
export function randomJson(random: Random, depth = 0): unknown {
  const r = random()
  if (depth > 3 || r < 0.5) {
    return pick(random, [null, true, false, 0, -0, 1, -1, 1.5, 5, 6, 1e308, -1e308, 2 ** 53, 2 ** 63, 1e-320, '', ' ', 'x', '\u0000', 'a\u0000b', '\ud800', '😀', 'x'.repeat(10_001), 'x'.repeat(201), '__proto__', 'comment', 'score'])
  }
  if (r < 0.7) return Array.from({ length: Math.floor(random() * 3) }, () => randomJson(random, depth + 1))
  const object: Record<string, unknown> = {}
  for (let k = Math.floor(random() * 4); k > 0; k--) {
    object[pick(random, ['fromT', 'toT', 'fromSeq', 'toSeq', 'kind', 'text', '__proto__', 'constructor', 'name', 'passed'])] = randomJson(random, depth + 1)
  }
  return object
}

const RAW_BODIES = ['{', '[]', 'null', '"x"', '{"__proto__":{"kind":"comment"}}', '{"constructor":{"prototype":{"x":1}}}', '['.repeat(100_000), '{"a":'.repeat(5000), '\ufeff{}', '{"reason":"\\u0000"}', '{"kind":"comment","text":"\\ud800","author":"\\udfff"}', '{"expiresInMs":1e400}', '{"reason":"x","reason":{}}']
const CONTENT_TYPES = ['application/json; charset=utf-8', 'APPLICATION/JSON', 'text/plain', '', 'application/json;;;', 'multipart/form-data; boundary=x']

/** Annotations, holds, share links and blob parts with bodies of every wrong shape. */
export function bodyRequests(random: Random, count: number, ids: { annotationId: string; shareId: string }): FuzzRequest[] {
  return Array.from({ length: count }, (): FuzzRequest => {
    const contentType = random() < 0.85 ? 'application/json' : pick(random, CONTENT_TYPES)
    const headers: Record<string, string> = contentType ? { 'Content-Type': contentType } : {}
    if (random() < 0.1) headers['Content-Encoding'] = pick(random, ['gzip', 'br', 'gzip, gzip'])
    const session = random() < 0.9 ? 's_alpha' : 's_none'
    const fields = (names: readonly string[], base: Record<string, unknown>) => {
      for (let k = 1 + Math.floor(random() * 3); k > 0; k--) base[pick(random, names)] = randomJson(random)
      return JSON.stringify(base)
    }
    switch (pick(random, ['annotation', 'patch', 'hold', 'share', 'blob', 'raw'])) {
      case 'annotation':
        return { method: 'POST', path: `/v1/sessions/${session}/annotations`, headers, body: fields(['kind', 'text', 'score', 'range', 'author'], { kind: pick(random, ['comment', 'label', 'score', 'flag', 'toString']), author: 'Ada' }) }
      case 'patch':
        return { method: 'PATCH', path: `/v1/sessions/${session}/annotations/${random() < 0.8 ? ids.annotationId : 'a_x'}`, headers, body: fields(['text', 'score', 'range'], {}) }
      case 'hold':
        return { method: pick(random, ['PUT', 'DELETE']), path: `/v1/sessions/${pick(random, ['s_gamma', 's_none'])}/hold`, headers, body: JSON.stringify({ reason: randomJson(random) }) }
      case 'share':
        return random() < 0.5
          ? { method: 'POST', path: `/v1/sessions/${session}/shares`, headers, body: JSON.stringify({ expiresInMs: randomJson(random) }) }
          : { method: 'DELETE', path: `/v1/sessions/${session}/shares/${random() < 0.5 ? ids.shareId : 'sh_x'}` }
      case 'blob':
        return {
          method: 'PUT',
          path: `/v1/sessions/s_alpha/blobs/${pick(random, ['b_1', 'x'.repeat(128)])}/${pick(random, ['0', 'p'])}`,
          headers: { 'Content-Type': pick(random, ['audio/webm', 'x'.repeat(256), 'text/html; charset=\u00e9', '\u00ff\u00fe']), ...(random() < 0.1 && { 'Content-Encoding': 'gzip' }) },
          body: new Uint8Array(Math.floor(random() * 2000)).fill(7),
        }
      default: {
        const path = pick(random, ['/v1/sessions/s_alpha/annotations', `/v1/sessions/s_alpha/annotations/${ids.annotationId}`, '/v1/sessions/s_gamma/hold', '/v1/sessions/s_alpha/shares'])
        const method = path.endsWith('hold') ? 'PUT' : path.includes('/a_') ? 'PATCH' : 'POST'
        return { method, path, headers, body: pick(random, RAW_BODIES) }
      }
    }
  })
}

/**
 * Valid batches (s_h0, s_h1, …) whose events carry every wrong type and out-of-range number in
 * the fields summaries, statistics, search and exports read; then every read of each session.
 */
export function eventRequests(random: Random, count: number): FuzzRequest[] {
  const value = () => randomJson(random, 2)
  const number = () => pick(random, [1e308, -1e308, -1, 0, 1.5, 2 ** 63, 2 ** 53 + 1, '12', null, {}, 'NaN', 1e-320])
  const data: Record<string, () => unknown> = {
    'provider.call.started': () => ({ callId: pick(random, ['c1', value()]), model: pick(random, ['gpt-4o', value(), '\u0000']), messages: value() }),
    'provider.call.completed': () => ({ callId: pick(random, ['c1', 'c2', value()]), model: pick(random, ['gpt-4o', value()]), costUsd: number(), latencyMs: number(), ttftMs: number(), usage: random() < 0.3 ? value() : { inputTokens: number(), outputTokens: number(), cachedTokens: number() }, response: value() }),
    'provider.call.failed': () => ({ callId: value(), error: value(), latencyMs: number() }),
    'audio.input': () => ({ blobId: value(), durationMs: number(), startT: number() }),
    'transcript.segment': () => ({ speaker: value(), text: pick(random, [value(), 'hello world']), startT: number(), endT: number() }),
    'message.created': () => ({ role: value(), content: pick(random, [value(), 'hello money', { parts: value() }]), parts: value() }),
    'tool.call.started': () => ({ toolCallId: value(), name: value(), args: value() }),
    'tool.call.completed': () => ({ result: value(), error: value() }),
    'error.raised': () => ({ message: value() }),
    'seq.skipped': () => ({ from: number(), to: number() }),
    'session.ended': () => ({ lastSeq: number() }),
    x: value,
  }
  const requests: FuzzRequest[] = []
  for (let i = 0; i < count; i++) {
    const sessionId = `s_h${i}`
    const ts = () => (random() < 0.3 ? pick(random, [1e308, -1e308, 8.64e15 + 1, 2 ** 63, -1, '1', null]) : 1_764_000_000_000 + i * 1000)
    const metadata: Record<string, unknown> = {}
    for (const key of ['userId', 'feature', 'agentId', 'tags', 'label', '__proto__', 'constructor']) {
      if (random() < 0.5) metadata[key] = random() < 0.5 ? value() : pick(random, ['u', ['a', 'b'], [1, null], 'x'.repeat(2000), '\u0000', ['\u0000']])
    }
    const events: Array<Record<string, unknown>> = [{ v: 1, sessionId, seq: 0, ts: ts(), t: 0, type: 'session.started', data: random() < 0.1 ? value() : metadata }]
    const last = 1 + Math.floor(random() * 8)
    for (let seq = 1; seq <= last; seq++) {
      const type = pick(random, Object.keys(data))
      events.push({ v: 1, sessionId, seq, ts: ts(), t: random() < 0.2 ? number() : seq * 100, type, data: random() < 0.05 ? { sealed: 'x' } : data[type]!() })
    }
    requests.push({
      method: 'POST',
      path: '/v1/batches',
      headers: { 'Content-Type': 'application/x-ndjson', 'Content-Encoding': 'gzip', 'Idempotency-Key': `k_${i}`, 'Tapedeck-Session': sessionId, 'Tapedeck-Seq': `0-${last}` },
      body: gzipSync(events.map((event) => JSON.stringify(event)).join('\n')),
    })
    const reads = [`/v1/sessions/${sessionId}`, `/v1/sessions/${sessionId}/events`, ...['jsonl', 'zip', 'csv', 'html', 'vtt', 'srt', 'txt'].map((format) => `/v1/sessions/${sessionId}/export?format=${format}`)]
    requests.push(...reads.map((path) => ({ method: 'GET', path })))
  }
  for (const sort of ['startedAt', 'costUsd', 'durationMs', 'errors', 'calls']) requests.push({ method: 'GET', path: `/v1/sessions?sort=${sort}&limit=500&from=-8640000000000000&to=8640000000000000` })
  for (const path of ['/v1/export?format=zip', '/v1/stats?groupBy=model,userId,feature,agentId,tag&from=-8640000000000000&to=8640000000000000', '/v1/stats?groupBy=day,hour&from=1764000000000&to=1764086400000', '/v1/stats/checks?groupBy=check&from=0', '/v1/sessions?q=hello&limit=500']) requests.push({ method: 'GET', path })
  return requests
}

/** Batches with each header wrong in turn. */
export function headerRequests(random: Random, count: number): FuzzRequest[] {
  const body = gzipSync('{"sessionId":"s_q","seq":0,"type":"x"}\n')
  return Array.from({ length: count }, (_, i) => {
    const headers: Record<string, string> = { 'Content-Type': 'application/x-ndjson', 'Content-Encoding': 'gzip', 'Idempotency-Key': `k_q${i}`, 'Tapedeck-Session': 's_q', 'Tapedeck-Seq': '0-0' }
    headers[pick(random, ['Content-Type', 'Content-Encoding', 'Idempotency-Key', 'Tapedeck-Session', 'Tapedeck-Seq', 'Tapedeck-Parent'])] = pick(random, [
      '', ' ', 'GZIP', 'gzip, gzip', 'x-gzip', 'br', 'identity', 'application/x-ndjson; charset=latin1', 'text/plain', '0-99999999999999999', '9007199254740992-9007199254740993', '-1-0', '1-0', 's_q', 's_alpha', 'x'.repeat(300), '\u00ff', '__proto__',
    ])
    return { method: 'POST', path: '/v1/batches', headers, body: random() < 0.2 ? pick(random, [new Uint8Array(0), Buffer.from('not gzip'), body.subarray(0, 10)]) : body }
  })
}

/** Every route with every method, and paths with prototype words for ids. */
export function methodRequests(): FuzzRequest[] {
  const paths = ['/healthz', '/v1/batches', '/v1/access', '/v1/sessions', '/v1/stats', '/v1/stats/checks', '/v1/export', '/v1/sessions/s_beta', '/v1/sessions/s_beta/events', '/v1/sessions/s_beta/export', '/v1/sessions/s_beta/hold', '/v1/sessions/s_beta/blobs/b_1/0', '/v1/sessions/s_beta/annotations', '/v1/sessions/s_beta/annotations/a_x', '/v1/sessions/s_beta/shares', '/v1/sessions/s_beta/shares/sh_x', '/v1/users', '/v1/users/u_zz', '/', '/v1/', '/v1/sessions/', '/v1/sessions//events', '/v1/users/%ED%A0%80', '/v1/users/%', '/v1/sessions/__proto__', '/v1/sessions/constructor/hold', '/v1/sessions/s_beta/annotations/__proto__', '/v1/sessions/hasOwnProperty/shares']
  return paths.flatMap((path) => ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].map((method) => ({ method, path, ...(['POST', 'PUT', 'PATCH'].includes(method) && { headers: { 'Content-Type': 'application/json' }, body: '' }) })))
}

/** Authorization headers of every shape, share tokens whole, altered and made up, on reads and writes. */
export function authRequests(shareToken: string): FuzzRequest[] {
  const values = ['', 'Bearer', 'Bearer ', 'bearer admin-1', 'Bearer admin-1 x', 'Basic YWRtaW4=', 'Bearer tds.', 'Bearer tds....', 'Bearer tds.s_alpha.sh_x.y', `Bearer ${shareToken}`, `Bearer ${shareToken}x`, `Bearer ${shareToken}.x`, `Bearer tds.${'s'.repeat(200)}.sh.x`, 'Bearer tds.__proto__.constructor.x', `Bearer ${'x'.repeat(10_000)}`, 'Bearer \u00ff', 'Bearer admin-1, Bearer read-1']
  const routes = [['GET', '/v1/access'], ['GET', '/v1/sessions'], ['GET', '/v1/sessions/s_alpha'], ['GET', '/v1/sessions/s_alpha/events'], ['DELETE', '/v1/sessions/s_none'], ['POST', '/v1/sessions/s_alpha/shares'], ['GET', '/v1/sessions/s_beta']] as const
  return values.flatMap((value) => routes.map(([method, path]) => ({ method, path, headers: { Authorization: value, Origin: 'null' } })))
}
