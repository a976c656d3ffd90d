import { parseArgs } from 'node:util'
import type { KeyKind } from './http/authorize.js'
import type { RateLimits } from './http/createHandler.js'
import type { CorsOptions } from './http/cors.js'
import { ServerError } from './ServerError.js'

export const USAGE = `Usage: tapedeck-server [options]

  --port <n>                  port to listen on (default 8787, 0 = any free port)
  --host <addr>               address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --data <dir>                data folder of the file store (default ./.tapedeck-data)
  --database-url <url>        use PostgreSQL instead of files (needs the pg package: npm install pg)
  --cors-origin <origin>      a browser origin allowed to call, exactly (https://app.example.com),
                              repeatable; '*' for any origin. Default: none, browsers cannot call
  --rate-limit <kind>=<r>[:<b>]  per key of that kind (ingest, read, review, admin): r requests per second,
                              bursts of b (default r); repeatable. Default: no limit
  --retention <duration>      erase sessions whose last write is older, except held ones
                              (e.g. 30d, 12h, 90m); swept at start and every --retention-interval
  --retention-interval <d>    time between sweeps (default the smaller of retention and 10m)
  --no-ingest-erase           ingest keys may not erase sessions (by default they may, one by id)
  --headers-timeout <d>       time a client has to send a request's headers (default 10s); then 408
  --request-timeout <d>       time a client has to send a whole request, body included (default 60s); then 408
  --max-connections <n>       open connections at most (default 1024); more are closed when accepted
  --no-studio                 do not serve Tapedeck Studio (the web app) at /

Keys (comma-separated for several, e.g. during a rotation):
  TAPEDECK_INGEST_KEY   sends batches and blobs; erases one session by id
  TAPEDECK_READ_KEY     reads
  TAPEDECK_REVIEW_KEY   reads, writes review annotations, makes and revokes share links
  TAPEDECK_ADMIN_KEY    reads, erases by session and by user, places and releases legal holds
`

export interface CliOptions {
  help: boolean
  port: number
  host: string
  data: string
  databaseUrl: string | undefined
  ingestKeys: string[]
  readKeys: string[]
  reviewKeys: string[]
  adminKeys: string[]
  ingestCanErase: boolean
  /** Serve Tapedeck Studio at `/` (default true; `--no-studio`). */
  studio: boolean
  cors: CorsOptions | undefined
  rateLimits: RateLimits
  retentionMs: number | undefined
  retentionIntervalMs: number | undefined
  headersTimeoutMs: number | undefined
  requestTimeoutMs: number | undefined
  maxConnections: number | undefined
  /** What to tell the operator at start: open server, closed routes, no browser access. */
  warnings: string[]
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** Reads the command line and the key variables; refuses anything it cannot take as written. */
export function parseCliOptions(args: readonly string[], env: Record<string, string | undefined>): CliOptions {
  let values
  try {
    ;({ values } = parseArgs({
      args: [...args],
      options: {
        port: { type: 'string', default: '8787' },
        host: { type: 'string', default: '127.0.0.1' },
        data: { type: 'string', default: './.tapedeck-data' },
        'database-url': { type: 'string' },
        'cors-origin': { type: 'string', multiple: true },
        'rate-limit': { type: 'string', multiple: true },
        retention: { type: 'string' },
        'retention-interval': { type: 'string' },
        'no-ingest-erase': { type: 'boolean', default: false },
        'headers-timeout': { type: 'string' },
        'request-timeout': { type: 'string' },
        'max-connections': { type: 'string' },
        'no-studio': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }))
  } catch (error) {
    throw invalid(`${error instanceof Error ? error.message : String(error)} (see --help)`)
  }
  const port = Number(values.port)
  if (!/^\d+$/.test(values.port) || port > 65535) throw invalid(`--port must be 0 to 65535, not ${values.port}.`)
  const origins = values['cors-origin'] ?? []
  if (origins.includes('*') && origins.length > 1) throw invalid("--cors-origin '*' allows every origin; give it alone.")
  const options: CliOptions = {
    help: values.help,
    port,
    host: values.host,
    data: values.data,
    databaseUrl: values['database-url'],
    ingestKeys: keysFrom(env.TAPEDECK_INGEST_KEY),
    readKeys: keysFrom(env.TAPEDECK_READ_KEY),
    reviewKeys: keysFrom(env.TAPEDECK_REVIEW_KEY),
    adminKeys: keysFrom(env.TAPEDECK_ADMIN_KEY),
    ingestCanErase: !values['no-ingest-erase'],
    studio: !values['no-studio'],
    cors: origins.length === 0 ? undefined : { origins: origins.includes('*') ? '*' : origins },
    rateLimits: parseRateLimits(values['rate-limit'] ?? []),
    retentionMs: values.retention === undefined ? undefined : parseDuration(values.retention, '--retention'),
    retentionIntervalMs: values['retention-interval'] === undefined ? undefined : parseDuration(values['retention-interval'], '--retention-interval'),
    headersTimeoutMs: values['headers-timeout'] === undefined ? undefined : parseDuration(values['headers-timeout'], '--headers-timeout'),
    requestTimeoutMs: values['request-timeout'] === undefined ? undefined : parseDuration(values['request-timeout'], '--request-timeout'),
    maxConnections: values['max-connections'] === undefined ? undefined : parseCount(values['max-connections'], '--max-connections'),
    warnings: [],
  }
  if (options.retentionIntervalMs !== undefined && options.retentionMs === undefined) throw invalid('--retention-interval needs --retention.')
  options.warnings = warningsFor(options)
  return options
}

/** `30d`, `12h`, `90m`, `45s`, `500ms`: a unit is required, so `--retention 30` cannot mean 30 ms. */
export function parseDuration(text: string, name: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim())
  const ms = match ? Number(match[1]) * UNITS[match[2]!]! : Number.NaN
  if (!(ms > 0 && Number.isFinite(ms))) throw invalid(`${name} must be a positive duration with a unit (ms, s, m, h, d), e.g. 30d; not ${JSON.stringify(text)}.`)
  return ms
}

function parseCount(text: string, name: string): number {
  const count = Number(text)
  if (!/^\d{1,9}$/.test(text) || count < 1) throw invalid(`${name} must be a positive integer, not ${JSON.stringify(text)}.`)
  return count
}

function parseRateLimits(specs: readonly string[]): RateLimits {
  const limits: RateLimits = {}
  for (const spec of specs) {
    const match = /^(ingest|read|review|admin)=(\d+(?:\.\d+)?)(?::(\d+))?$/.exec(spec.trim())
    const perSecond = Number(match?.[2])
    if (!match || !(perSecond > 0)) throw invalid(`--rate-limit must be kind=rate[:burst] with kind ingest, read, review or admin, e.g. ingest=50:200; not ${JSON.stringify(spec)}.`)
    const kind = match[1] as KeyKind
    const burst = match[3] === undefined ? Math.max(1, Math.ceil(perSecond)) : Number(match[3])
    if (burst < 1) throw invalid(`--rate-limit ${spec}: the burst must be at least 1.`)
    limits[kind] = { perSecond, burst }
  }
  return limits
}

function keysFrom(value: string | undefined): string[] {
  return (value ?? '').split(',').map((key) => key.trim()).filter(Boolean)
}

function warningsFor(options: CliOptions): string[] {
  const warnings: string[] = []
  const open = options.ingestKeys.length + options.readKeys.length + options.reviewKeys.length + options.adminKeys.length === 0
  if (open) {
    warnings.push(
      '!!! tapedeck-server is OPEN: no keys are set, so anyone who can reach it can send, read and erase recordings.',
      '!!! Set TAPEDECK_INGEST_KEY, TAPEDECK_READ_KEY and TAPEDECK_ADMIN_KEY before it listens anywhere but this machine.',
    )
    if (options.cors?.origins === '*') warnings.push("!!! With --cors-origin '*' and no keys, any web page you open can read and erase these recordings.")
  } else {
    if (options.readKeys.length + options.reviewKeys.length + options.adminKeys.length === 0) warnings.push('tapedeck-server: no TAPEDECK_READ_KEY, TAPEDECK_REVIEW_KEY or TAPEDECK_ADMIN_KEY, so nothing can read recordings.')
    if (options.adminKeys.length === 0) warnings.push('tapedeck-server: no TAPEDECK_ADMIN_KEY, so nothing can erase by user or place legal holds.')
  }
  if (!options.cors) warnings.push('tapedeck-server: no --cors-origin, so browser pages cannot call it; add the origin of your app, e.g. --cors-origin http://localhost:5173.')
  return warnings
}

function invalid(message: string): ServerError {
  return new ServerError('invalid_options', message)
}
