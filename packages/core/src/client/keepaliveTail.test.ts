import { gunzipSync } from 'node:zlib'
import { describe, expect, it, vi } from 'vitest'
import { gunzipSync as fflateGunzip } from 'fflate'
import { BatchBuilder } from '../events/PackedBatch'

// The script-tag build replaces fflate with functions that throw (packages/widget/vite.config.ts).
const noGzip = vi.hoisted(() => ({ on: false }))
vi.mock('fflate', async (original) => {
  const fflate = await original<typeof import('fflate')>()
  return {
    ...fflate,
    gzipSync: (...args: Parameters<typeof fflate.gzipSync>) => {
      if (noGzip.on) throw new Error('no gzip in this build')
      return fflate.gzipSync(...args)
    },
  }
})

const { openKeepaliveTail, KEEPALIVE_BUDGET } = await import('./keepaliveTail')

function stampedBatch(count: number) {
  const builder = new BatchBuilder()
  for (let i = 0; i < count; i++) builder.push('message.created', JSON.stringify({ role: 'user', content: `turn ${i}` }), 1_700_000_000_000 + i, 1000 + i)
  return { ...builder.take('s_tail', 't_tail', 'b_1'), stamp: { firstSeq: 5, tFloor: 0, startedAt: 900 } }
}

/** A page-hide send whose requests are kept here instead of sent. */
function capturing() {
  const sent: Array<{ headers: Record<string, string>; body: Uint8Array }> = []
  const tail = openKeepaliveTail({
    endpoint: 'http://127.0.0.1:1',
    headers: () => ({}),
    redact: undefined,
    capture: () => 'full',
    fetch: async (_url, init) => {
      sent.push({ headers: init!.headers as Record<string, string>, body: init!.body as Uint8Array })
      return new Response(null, { status: 202 })
    },
  })
  return { tail, sent }
}

function sendOnce() {
  const { tail, sent } = capturing()
  tail.send([stampedBatch(3)])
  expect(sent).toHaveLength(1)
  return sent[0]!
}

const seqsOf = (ndjson: string) => ndjson.trim().split('\n').map((line) => (JSON.parse(line) as { seq: number }).seq)

describe('the page-hide send', () => {
  it('sends the stamped events gzip-compressed where the build has gzip', () => {
    noGzip.on = false
    const { headers, body } = sendOnce()
    expect(headers['Content-Encoding']).toBe('gzip')
    expect(headers['Tapedeck-Seq']).toBe('5-7')
    expect(seqsOf(gunzipSync(body).toString('utf8'))).toEqual([5, 6, 7])
  })

  it('sends them uncompressed where it has none (the script-tag build), rather than not at all', () => {
    noGzip.on = true
    const { headers, body } = sendOnce()
    expect(headers['Content-Encoding']).toBeUndefined()
    expect(headers['Tapedeck-Seq']).toBe('5-7')
    expect(seqsOf(new TextDecoder().decode(body))).toEqual([5, 6, 7])
  })

  it('puts a run of small batches in one gzip member, in seq order, and sends none of them again', async () => {
    noGzip.on = false
    const { tail, sent } = capturing()
    // A page recording slowly: 40 batches of 3 events, seqs 1–120.
    const batches = Array.from({ length: 40 }, (_, b) => ({ ...stampedBatch(3), batchId: `b_${b}`, stamp: { firstSeq: 1 + 3 * b, tFloor: 0, startedAt: 900 } }))
    tail.send(batches)
    expect(sent).toHaveLength(1)
    expect(sent[0]!.headers['Tapedeck-Seq']).toBe('1-120')
    // fflate reads the first gzip member only: all 120 are in it.
    expect(seqsOf(new TextDecoder().decode(fflateGunzip(sent[0]!.body)))).toEqual(Array.from({ length: 120 }, (_, i) => 1 + i))
    await new Promise((resolve) => setTimeout(resolve, 0))
    tail.send(batches)
    expect(sent).toHaveLength(1)
  })

  it('fills the budget with one gzip member of the newest events, not a member of a few hundred and a second for the rest', () => {
    noGzip.on = false
    const { tail, sent } = capturing()
    // A burst: 8 batches of 256 chat events of about 400 bytes, seqs 0–2047.
    const batches = Array.from({ length: 8 }, (_, b) => {
      const builder = new BatchBuilder()
      for (let i = 256 * b; i < 256 * (b + 1); i++) {
        const words = `turn ${i}: ${(i * 2_654_435_761).toString(36)} the assistant answers about orders, ${(i * 40_503).toString(16)} returns and refunds`
        builder.push('message.created', JSON.stringify({ role: 'assistant', content: `${words} ${words.split('').reverse().join('')}` }), 1_700_000_000_000 + i, 1000 + i)
      }
      return { ...builder.take('s_tail', 't_tail', `b_${b}`), stamp: { firstSeq: 256 * b, tFloor: 0, startedAt: 900 } }
    })
    tail.send(batches)
    expect(sent).toHaveLength(1)
    const [from, to] = sent[0]!.headers['Tapedeck-Seq']!.split('-').map(Number)
    expect(to).toBe(2047)
    expect(sent[0]!.body.byteLength).toBeLessThanOrEqual(KEEPALIVE_BUDGET)
    expect(sent[0]!.body.byteLength).toBeGreaterThan(0.6 * KEEPALIVE_BUDGET)
    // fflate reads the first gzip member only: every event sent is in it.
    expect(seqsOf(new TextDecoder().decode(fflateGunzip(sent[0]!.body)))).toEqual(Array.from({ length: to! - from! + 1 }, (_, i) => from! + i))
  })
})
