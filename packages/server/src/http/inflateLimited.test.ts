import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { ServerError } from '../ServerError.js'
import { concat } from '../testing/events.js'
import { inflateLimited } from './inflateLimited.js'
import { seeded } from '../../../core/test/seeded.mjs'

async function inflate(body: Uint8Array, maxBytes = 1 << 30): Promise<{ text: string; chunks: number }> {
  const parts: Uint8Array[] = []
  for await (const chunk of inflateLimited(body, maxBytes)) parts.push(chunk)
  return { text: Buffer.concat(parts).toString('utf8'), chunks: parts.length }
}

async function codeOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run()
  } catch (error) {
    return error instanceof ServerError ? error.code : `not a ServerError: ${String(error)}`
  }
  return 'no error'
}

/** Text that compresses poorly, so members span several input pieces. */
function noise(length: number, seed: number): string {
  const random = seeded(seed)
  let text = ''
  while (text.length < length) text += Math.floor(random() * 36).toString(36)
  return text
}

describe('inflateLimited', () => {
  it('reads several gzip members as one stream, wherever the member boundaries fall', async () => {
    const texts = [noise(20_000, 1), '', 'short\n', noise(9_000, 2), noise(30_000, 3)]
    const body = concat(...texts.map((text) => new Uint8Array(gzipSync(text))))
    expect((await inflate(body)).text).toBe(texts.join(''))
  })

  it('refuses a gzip bomb as soon as the output passes the limit', async () => {
    // 40 members of 16 MiB of zeros each: 640 MiB from a 650 KB body.
    const member = new Uint8Array(gzipSync(new Uint8Array(16 * 1024 * 1024), { level: 9 }))
    const body = concat(...Array.from({ length: 40 }, () => member))
    let delivered = 0
    const started = performance.now()
    const code = await codeOf(async () => {
      for await (const chunk of inflateLimited(body, 50 * 1024 * 1024)) delivered += chunk.length
    })
    const ms = performance.now() - started
    console.info(`gzip bomb: ${body.length} bytes in, refused after ${delivered} bytes out, ${ms.toFixed(0)} ms`)
    expect(code).toBe('decompressed_too_large')
    expect(delivered).toBeLessThanOrEqual(50 * 1024 * 1024)
    expect(delivered).toBeGreaterThan(40 * 1024 * 1024)
  })

  it('refuses what is not gzip, empty, truncated, corrupted or followed by garbage', async () => {
    const good = new Uint8Array(gzipSync(noise(5_000, 4)))
    const flipped = good.slice()
    flipped[good.length - 20]! ^= 0x01
    const badCrc = good.slice()
    badCrc[good.length - 8]! ^= 0xff
    const badLength = good.slice()
    badLength[good.length - 1]! ^= 0x01
    expect(await codeOf(() => inflate(new TextEncoder().encode('{"not":"gzip"}\n')))).toBe('invalid_gzip')
    expect(await codeOf(() => inflate(new Uint8Array(0)))).toBe('invalid_gzip')
    expect(await codeOf(() => inflate(good.subarray(0, good.length - 3)))).toBe('invalid_gzip')
    expect(await codeOf(() => inflate(good.subarray(0, good.length - 100)))).toBe('invalid_gzip')
    expect(await codeOf(() => inflate(flipped))).toBe('invalid_gzip')
    expect(await codeOf(() => inflate(badCrc))).toBe('invalid_gzip')
    expect(await codeOf(() => inflate(badLength))).toBe('invalid_gzip')
    expect(await codeOf(() => inflate(concat(good, new Uint8Array([1, 2, 3, 4]))))).toBe('invalid_gzip')
    expect((await inflate(good)).text).toBe(noise(5_000, 4))
  })
})
