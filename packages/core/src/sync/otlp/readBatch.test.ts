import { gzipSync, strToU8 } from 'fflate'
import { describe, expect, test } from 'vitest'
import { readBatch } from './readBatch'

const line = (seq: number) => JSON.stringify({ v: 1, id: `e${seq}`, sessionId: 's_1', seq, ts: 1000 + seq, t: seq, tab: 't', type: 'x.step', data: { seq } })

/** Stored chunks end to end: one gzip member per chunk, as the sync engine sends them. */
const gzipMembers = (...chunks: string[]): Uint8Array =>
  new Uint8Array(chunks.flatMap((chunk) => [...gzipSync(strToU8(chunk))]))

describe('readBatch', () => {
  test('reads every gzip member of the body, not only the first', () => {
    const body = gzipMembers(`${line(0)}\n${line(1)}\n`, `${line(2)}\n`, `${line(3)}\n`)
    expect(readBatch(body).map((event) => event.seq)).toEqual([0, 1, 2, 3])
  })

  test('accepts CRLF, blank lines and a missing final newline', () => {
    expect(readBatch(gzipMembers(`${line(0)}\r\n\n`, line(1))).map((item) => item.seq)).toEqual([0, 1])
    expect(readBatch(new Uint8Array())).toEqual([])
  })

  test('decodes a character whose UTF-8 bytes are split between two output chunks', () => {
    const bytes = strToU8(`${JSON.stringify({ ...JSON.parse(line(0)), data: { text: 'café' } })}\n`)
    const cut = bytes.indexOf(0xc3) + 1 // between the two bytes of "é"
    const body = new Uint8Array([...gzipSync(bytes.subarray(0, cut)), ...gzipSync(bytes.subarray(cut))])
    expect(readBatch(body)[0]!.data).toEqual({ text: 'café' })
  })

  test('refuses bytes that are not gzip, lines that are not JSON, and JSON that is not an event', () => {
    expect(() => readBatch(strToU8(`${line(0)}\n`))).toThrow()
    expect(() => readBatch(gzipMembers(`${line(0)}\n{"v":1,`))).toThrow(SyntaxError)
    expect(() => readBatch(gzipMembers(`${line(0)}\n{"v":1}\n`))).toThrow(/Line 2/)
    expect(() => readBatch(gzipMembers(JSON.stringify({ ...JSON.parse(line(0)), data: 'text' })))).toThrow(/Line 1/)
  })
})
