import { describe, expect, it } from 'vitest'
import { createHandler } from './http/createHandler.js'
import { parseCliOptions, parseDuration } from './cliOptions.js'
import { createMemoryStore } from './store/createMemoryStore.js'

const invalid = expect.objectContaining({ code: 'invalid_options' })

describe('parseCliOptions', () => {
  it('reads every flag and the three key variables', () => {
    const options = parseCliOptions(
      [
        '--port', '0', '--host', '0.0.0.0', '--data', '/srv/tapedeck',
        '--cors-origin', 'https://app.example.com', '--cors-origin', 'http://localhost:5173',
        '--rate-limit', 'ingest=50:200', '--rate-limit', 'read=0.5', '--rate-limit', 'review=5:20',
        '--retention', '30d', '--retention-interval', '15m', '--no-ingest-erase', '--no-studio',
        '--headers-timeout', '5s', '--request-timeout', '2m', '--max-connections', '300',
      ],
      { TAPEDECK_INGEST_KEY: 'in-a, in-b', TAPEDECK_READ_KEY: 'read-a', TAPEDECK_REVIEW_KEY: 'review-a,review-b', TAPEDECK_ADMIN_KEY: 'admin-a' },
    )
    expect(options).toEqual({
      help: false,
      port: 0,
      host: '0.0.0.0',
      data: '/srv/tapedeck',
      databaseUrl: undefined,
      ingestKeys: ['in-a', 'in-b'],
      readKeys: ['read-a'],
      reviewKeys: ['review-a', 'review-b'],
      adminKeys: ['admin-a'],
      ingestCanErase: false,
      studio: false,
      cors: { origins: ['https://app.example.com', 'http://localhost:5173'] },
      rateLimits: { ingest: { perSecond: 50, burst: 200 }, read: { perSecond: 0.5, burst: 1 }, review: { perSecond: 5, burst: 20 } },
      retentionMs: 30 * 86_400_000,
      retentionIntervalMs: 15 * 60_000,
      headersTimeoutMs: 5000,
      requestTimeoutMs: 120_000,
      maxConnections: 300,
      warnings: [],
    })
  })

  it('defaults to a closed browser door, no limits, no retention, and says what is open', () => {
    const options = parseCliOptions([], {})
    expect([options.port, options.host, options.cors, options.rateLimits, options.retentionMs, options.ingestCanErase]).toEqual([8787, '127.0.0.1', undefined, {}, undefined, true])
    expect(options.studio).toBe(true)
    expect(options.warnings.join('\n')).toMatch(/OPEN: no keys are set/)
    expect(options.warnings.join('\n')).toMatch(/no --cors-origin, so browser pages cannot call it/)
    const wildcard = parseCliOptions(['--cors-origin', '*'], {})
    expect(wildcard.cors).toEqual({ origins: '*' })
    expect(wildcard.warnings.join('\n')).toMatch(/any web page you open can read and erase/)
    expect(parseCliOptions(['--cors-origin', '*'], { TAPEDECK_INGEST_KEY: 'k' }).warnings).toEqual([
      'tapedeck-server: no TAPEDECK_READ_KEY, TAPEDECK_REVIEW_KEY or TAPEDECK_ADMIN_KEY, so nothing can read recordings.',
      'tapedeck-server: no TAPEDECK_ADMIN_KEY, so nothing can erase by user or place legal holds.',
    ])
  })

  it('refuses what it cannot take as written', () => {
    const cases: string[][] = [
      ['--port', '70000'],
      ['--port', 'http'],
      ['--cors-origin', '*', '--cors-origin', 'https://app.example.com'],
      ['--rate-limit', 'ingest=0'],
      ['--rate-limit', 'ingest=5:0'],
      ['--rate-limit', 'everyone=5'],
      ['--rate-limit', 'ingest'],
      ['--retention', '30'],
      ['--retention', '0d'],
      ['--retention', 'a month'],
      ['--retention-interval', '1h'],
      ['--unknown'],
      ['stray'],
    ]
    for (const args of cases) expect(() => parseCliOptions(args, {}), args.join(' ')).toThrow(invalid)
  })

  it('hands the handler options it accepts, and ones it refuses are refused at start', () => {
    const store = createMemoryStore()
    const good = parseCliOptions(['--cors-origin', 'https://app.example.com', '--rate-limit', 'admin=1'], { TAPEDECK_ADMIN_KEY: 'a' })
    expect(() => createHandler({ store, adminKeys: good.adminKeys, rateLimits: good.rateLimits, ...(good.cors && { cors: good.cors }) })).not.toThrow()
    const slash = parseCliOptions(['--cors-origin', 'https://app.example.com/'], {})
    expect(() => createHandler({ store, ...(slash.cors && { cors: slash.cors }) })).toThrow(invalid)
    const twice = parseCliOptions([], { TAPEDECK_INGEST_KEY: 'same', TAPEDECK_READ_KEY: 'same' })
    expect(() => createHandler({ store, ingestKeys: twice.ingestKeys, readKeys: twice.readKeys })).toThrow(invalid)
  })
})

describe('parseDuration', () => {
  it('takes ms, s, m, h and d, and a fraction', () => {
    expect(['500ms', '45s', '90m', '12h', '30d', '1.5h'].map((text) => parseDuration(text, 'x'))).toEqual([500, 45_000, 5_400_000, 43_200_000, 2_592_000_000, 5_400_000])
  })
})
