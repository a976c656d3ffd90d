import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { ServerError } from '../ServerError.js'
import { concat } from '../testing/events.js'
import { gunzipLimited } from './gunzipLimited.js'

function inflate(body: Uint8Array, maxBytes = 1 << 30): { text: string; chunks: number } {
  const parts: Uint8Array[] = []
  gunzipLimited(body, maxBytes, (chunk) => parts.push(chunk))
  return { text: Buffer.concat(parts).toString('utf8'), chunks: parts.length }
}

function codeOf(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    return error instanceof ServerError ? error.code : `not a ServerError: ${String(error)}`
  }
  return 'no error'
}

/** Text that compresses poorly, so members span several 8 KiB input slices. */
function noise(length: number, seed: number): string {
  let state = seed
  let text = ''
  while (text.length < length) text += ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) % 36).toString(36)
  return text
}

describe('gunzipLimited', () => {
  it('reads several gzip members as one stream, wherever the member boundaries fall', () => {
    const texts = [noise(20_000, 1), '', 'short\n', noise(9_000, 2), noise(30_000, 3)]
    const body = concat(...texts.map((text) => new Uint8Array(gzipSync(text))))
    expect(inflate(body).text).toBe(texts.join(''))
  })

  it('refuses a gzip bomb as soon as the output passes the limit', () => {
    // 40 members of 16 MiB of zeros each: 640 MiB from a 650 KB body.
    const member = new Uint8Array(gzipSync(new Uint8Array(16 * 1024 * 1024), { level: 9 }))
    const body = concat(...Array.from({ length: 40 }, () => member))
    let delivered = 0
    const started = performance.now()
    const code = codeOf(() => gunzipLimited(body, 50 * 1024 * 1024, (chunk) => (delivered += chunk.length)))
    const ms = performance.now() - started
    console.info(`gzip bomb: ${body.length} bytes in, refused after ${delivered} bytes out, ${ms.toFixed(0)} ms`)
    expect(code).toBe('decompressed_too_large')
    expect(delivered).toBeLessThanOrEqual(50 * 1024 * 1024)
    expect(delivered).toBeGreaterThan(40 * 1024 * 1024)
  })

  it('refuses what is not gzip, empty, truncated, corrupted or followed by garbage', () => {
    const good = new Uint8Array(gzipSync(noise(5_000, 4)))
    const flipped = good.slice()
    flipped[good.length - 20]! ^= 0x01
    const badCrc = good.slice()
    badCrc[good.length - 8]! ^= 0xff
    const badLength = good.slice()
    badLength[good.length - 1]! ^= 0x01
    expect(codeOf(() => inflate(new TextEncoder().encode('{"not":"gzip"}\n')))).toBe('invalid_gzip')
    expect(codeOf(() => inflate(new Uint8Array(0)))).toBe('invalid_gzip')
    expect(codeOf(() => inflate(good.subarray(0, good.length - 3)))).toBe('invalid_gzip')
    expect(codeOf(() => inflate(good.subarray(0, good.length - 100)))).toBe('invalid_gzip')
    expect(codeOf(() => inflate(flipped))).toBe('invalid_gzip')
    expect(codeOf(() => inflate(badCrc))).toBe('invalid_gzip')
    expect(codeOf(() => inflate(badLength))).toBe('invalid_gzip')
    expect(codeOf(() => inflate(concat(good, new Uint8Array([1, 2, 3, 4]))))).toBe('invalid_gzip')
    expect(inflate(good).text).toBe(noise(5_000, 4))
  })
})
