import { describe, expect, it } from 'vitest'
import { ServerError } from '../ServerError.js'
import { event, gzip, ndjson } from '../testing/events.js'
import type { WireEvent } from '../store/SessionStore.js'
import { decodeBatch } from './decodeBatch.js'

const limits = { maxDecompressedBytes: 1 << 20, maxLineBytes: 200, maxBatchEvents: 1000 }
const envelope = { sessionId: 's_1', firstSeq: 0, lastSeq: 9 }

async function collect(slices: AsyncIterable<WireEvent[]>): Promise<WireEvent[]> {
  const events: WireEvent[] = []
  for await (const slice of slices) events.push(...slice)
  return events
}

function decode(text: string, options: { gzip?: boolean; lastSeq?: number } = {}): Promise<WireEvent[]> {
  const body = new TextEncoder().encode(text)
  return collect(decodeBatch(options.gzip === false ? body : gzip(body), options.gzip !== false, { ...envelope, lastSeq: options.lastSeq ?? 9 }, limits))
}

async function codeOf(text: string): Promise<string> {
  try {
    await decode(text)
  } catch (error) {
    return error instanceof ServerError ? `${error.status} ${error.code}` : String(error)
  }
  return 'accepted'
}

const line = (value: unknown) => `${JSON.stringify(value)}\n`

describe('decodeBatch', () => {
  it('reads events, with CRLF, blank lines and no final newline', async () => {
    const events = [event('s_1', 0), event('s_1', 1), event('s_1', 2)].map((e) => ({ ...e, data: {} }))
    const text = `${JSON.stringify(events[0])}\r\n\n  \n${JSON.stringify(events[1])}\n${JSON.stringify(events[2])}`
    expect(await decode(text)).toEqual(events)
    expect(await decode(text, { gzip: false })).toEqual(events)
  })

  it('takes a line of exactly the limit and refuses one byte more', async () => {
    const base = { sessionId: 's_1', seq: 0, type: 'x', pad: '' }
    const exact = { ...base, pad: 'a'.repeat(200 - JSON.stringify(base).length) }
    expect(JSON.stringify(exact)).toHaveLength(200)
    expect(await decode(line(exact))).toHaveLength(1)
    expect(await codeOf(line({ ...exact, pad: `${exact.pad}a` }))).toBe('422 line_too_long')
  })

  it('refuses the whole batch for one bad line, with a stable code', async () => {
    const ok = line({ sessionId: 's_1', seq: 0, type: 'x' })
    expect(await codeOf(`${ok}{"sessionId":"s_1",`)).toBe('422 invalid_json')
    expect(await codeOf(`${ok}[1,2]\n`)).toBe('422 invalid_event')
    expect(await codeOf(`${ok}null\n`)).toBe('422 invalid_event')
    expect(await codeOf(line({ sessionId: 's_2', seq: 0, type: 'x' }))).toBe('422 session_mismatch')
    expect(await codeOf(line({ sessionId: 's_1', seq: 10, type: 'x' }))).toBe('422 seq_out_of_range')
    expect(await codeOf(line({ sessionId: 's_1', seq: 1.5, type: 'x' }))).toBe('422 invalid_event')
    expect(await codeOf(line({ sessionId: 's_1', seq: '1', type: 'x' }))).toBe('422 invalid_event')
    expect(await codeOf(`${ok}${ok}`)).toBe('422 seq_out_of_order')
    expect(await codeOf(`${line({ sessionId: 's_1', seq: 2, type: 'x' })}${ok}`)).toBe('422 seq_out_of_order')
    expect(await codeOf(line({ sessionId: 's_1', seq: 0 }))).toBe('422 invalid_event')
    expect(await codeOf(line({ sessionId: 's_1', seq: 0, type: '' }))).toBe('422 invalid_event')
    expect(await codeOf('\n\n')).toBe('422 empty_batch')
    await expect(decode(`${ok}\n \r\n${line({ sessionId: 's_2', seq: 1, type: 'x' })}`)).rejects.toThrow('Line 4:')
    expect(await codeOf('')).toBe('422 empty_batch')
  })

  it('refuses bytes that are not UTF-8', async () => {
    const body = new Uint8Array([...new TextEncoder().encode('{"sessionId":"s_1","seq":0,"type":"'), 0xff, 0xfe, ...new TextEncoder().encode('"}\n')])
    await expect(collect(decodeBatch(gzip(body), true, envelope, limits))).rejects.toThrow(expect.objectContaining({ code: 'invalid_json' }))
  })

  it('applies the decompressed limit to a body sent without gzip too', async () => {
    const big = ndjson(Array.from({ length: 10 }, (_, seq) => event('s_1', seq)))
    await expect(collect(decodeBatch(new TextEncoder().encode(big), false, envelope, { ...limits, maxDecompressedBytes: 100 }))).rejects.toThrow(
      expect.objectContaining({ code: 'decompressed_too_large' }),
    )
  })
})
