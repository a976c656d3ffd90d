import { unzipSync } from 'fflate'
import { describe, expect, test } from 'vitest'
import { createHandler, createMemoryStore } from '@tapedeck/server'
import { gzipSync } from 'fflate'
import { makeEvents, supportSession, SESSION, START_TS } from '../../test/events'
import { annotate } from '../annotations/annotate'
import { loadRecording } from '../load/loadRecording'
import type { Recording } from '../recording/Recording'
import { toCsv } from './toCsv'
import { toHtml } from './toHtml'
import { toJsonl } from './toJsonl'
import { encodeWav, toWav } from './toWav'
import { toZip } from './toZip'

function withAudio() {
  const events = supportSession()
  events.splice(24, 0, ...makeEvents(SESSION, [
    [607_600, 'audio.input', { blobId: 'mic', part: 0, mimeType: 'audio/webm;codecs=opus', startT: 606_000, durationMs: 1000, bytes: 3 }],
    [607_700, 'audio.input', { blobId: 'mic', part: 1, mimeType: 'audio/webm;codecs=opus', startT: 607_000, durationMs: 600, bytes: 2 }],
  ]))
  return events.map((event, seq) => ({ ...event, seq, id: `${SESSION}-e${seq}`, ...(event.type === 'session.ended' ? { data: { lastSeq: seq } } : {}) }))
}

/** A recording whose blob parts come from a recorder-like source holding their bytes. */
async function recordingWithAudio(): Promise<Recording> {
  const events = withAudio()
  const bytes: Record<string, Uint8Array> = { 'mic/0': new Uint8Array([1, 2, 3]), 'mic/1': new Uint8Array([4, 5]) }
  const recorder = {
    sessions: {
      get: async () => ({}),
      events: async (_id: string, { fromSeq = 0 } = {}) => events.filter((e) => e.seq >= fromSeq),
      blob: async (_id: string, blobId: string, part?: number) => new Blob([bytes[`${blobId}/${part}`] as Uint8Array<ArrayBuffer>], { type: 'audio/webm;codecs=opus' }),
    },
  }
  return loadRecording({ recorder, sessionId: SESSION })
}

describe('toJsonl (PromptKit recording)', () => {
  test('a metadata line, then one event line per event in PromptKit’s shape', async () => {
    const recording = await loadRecording(supportSession())
    const lines = toJsonl(recording, { now: START_TS + 1_000_000 }).trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, any>)
    expect(lines).toHaveLength(26)
    expect(lines[0]).toEqual({
      type: 'metadata',
      metadata: {
        session_id: SESSION,
        start_time: new Date(START_TS).toISOString(),
        end_time: new Date(START_TS + 608_000).toISOString(),
        duration: 608_000_000_000, // Go time.Duration: nanoseconds
        event_count: 25,
        provider_name: 'openai',
        model: 'gpt-4o-mini',
        version: '1.0',
        created_at: new Date(START_TS + 1_000_000).toISOString(),
        custom: { tapedeck: { v: 1, annotations: [] } },
      },
    })
    expect(lines[5]).toEqual({
      type: 'event',
      event: {
        seq: 4,
        type: 'provider.call.completed',
        timestamp: new Date(START_TS + 2210).toISOString(),
        offset: 2_210_000_000,
        session_id: SESSION,
        data: recording.events[4]!.data,
        tapedeck: { v: 1, id: `${SESSION}-e4`, ts: START_TS + 2210, t: 2210, tab: 'tab1' },
      },
    })
  })

  test('round trip: export → loadRecording → identical events, external annotations kept', async () => {
    const events = supportSession()
    events[7] = { ...events[7]!, t: 2480.123456789, checkpoint: true }
    const recording = await loadRecording(events)
    annotate(recording, { kind: 'comment', key: 'review', value: 'long pause <here>', target: { fromT: 5620, toT: 605_620 } })
    const back = await loadRecording(toJsonl(recording))
    expect(back.source).toBe('promptkit')
    expect(back.events).toEqual(events)
    expect(back.events.map((e) => JSON.stringify(e))).toEqual(events.map((e) => JSON.stringify(e)))
    expect(back.annotations).toEqual(recording.annotations)
    expect(back.complete).toBe(true)
  })

  test('a PromptKit recording without the Tapedeck envelope loads from its own fields', async () => {
    const text = [
      JSON.stringify({ type: 'metadata', metadata: { session_id: 'run-1', version: '1.0' } }),
      JSON.stringify({ type: 'event', event: { seq: 0, type: 'session.started', timestamp: '2025-01-15T10:30:00Z', offset: 0, session_id: 'run-1', data: {} } }),
      JSON.stringify({ type: 'event', event: { seq: 1, type: 'message.created', timestamp: '2025-01-15T10:30:00.5Z', offset: 500_000_000, session_id: 'run-1', data: { role: 'user', content: 'hi' } } }),
    ].join('\n')
    const recording = await loadRecording(text)
    expect(recording.events[1]).toEqual({ v: 1, id: 'run-1:1', sessionId: 'run-1', seq: 1, ts: Date.parse('2025-01-15T10:30:00.5Z'), t: 500, tab: '', type: 'message.created', data: { role: 'user', content: 'hi' } })
    // and the whole-document JSON form (`SaveTo(…, "json")`), pretty-printed
    const json = JSON.stringify({ metadata: { session_id: 'run-1', version: '1.0' }, events: text.split('\n').slice(1).map((line) => JSON.parse(line).event) }, null, 2)
    expect((await loadRecording(json)).events).toEqual(recording.events)
  })
})

describe('toZip', () => {
  test('holds events.jsonl, metadata.json, snapshots.json, annotations.json and the audio parts', async () => {
    const recording = await recordingWithAudio()
    annotate(recording, { kind: 'score', key: 'quality', value: 0.8, target: 'session' })
    const files = unzipSync(await toZip(recording))
    expect(Object.keys(files).sort()).toEqual(['annotations.json', 'audio/mic/0.webm', 'audio/mic/1.webm', 'events.jsonl', 'metadata.json', 'snapshots.json'])
    expect([...files['audio/mic/1.webm']!]).toEqual([4, 5])
    const text = new TextDecoder().decode(files['events.jsonl'])
    expect(text.trimEnd().split('\n').map((line) => JSON.parse(line))).toEqual(recording.events)
    const metadata = JSON.parse(new TextDecoder().decode(files['metadata.json']))
    expect(metadata).toMatchObject({ format: 'tapedeck-recording', version: 1, sessionId: SESSION, complete: true, metadata: { userId: 'u1' } })
    expect(metadata.blobs).toEqual([
      { blobId: 'mic', part: 0, mimeType: 'audio/webm;codecs=opus', track: 'input', startT: 606_000, durationMs: 1000, bytes: 3, path: 'audio/mic/0.webm' },
      { blobId: 'mic', part: 1, mimeType: 'audio/webm;codecs=opus', track: 'input', startT: 607_000, durationMs: 600, bytes: 2, path: 'audio/mic/1.webm' },
    ])
    expect(metadata.stats.costUsd).toBe(0.0015)
    expect(JSON.parse(new TextDecoder().decode(files['snapshots.json']))).toEqual([
      { seq: 10, t: 4000, ts: START_TS + 4000, snapshotId: 's1', description: 'after answer', state: (recording.events[10]!.data as { state: unknown }).state },
    ])
    expect(JSON.parse(new TextDecoder().decode(files['annotations.json']))).toEqual(recording.annotations)
  })

  test('round trip: the same events, annotations and audio bytes', async () => {
    const recording = await recordingWithAudio()
    annotate(recording, { kind: 'label', key: 'k', value: 'v', target: 'session' })
    const back = await loadRecording(await toZip(recording))
    expect(back.source).toBe('zip')
    expect(back.events).toEqual(recording.events)
    expect(back.annotations).toEqual(recording.annotations)
    expect(back.blobs.parts).toEqual(recording.blobs.parts)
    const whole = await back.blobs.trackBlob('input')
    expect([...new Uint8Array(await whole!.arrayBuffer())]).toEqual([1, 2, 3, 4, 5])
  })

  test('parts the source cannot give are listed as missing, not fatal', async () => {
    const recording = await loadRecording(withAudio()) // plain events: no bytes anywhere
    const files = unzipSync(await toZip(recording))
    expect(Object.keys(files).filter((name) => name.startsWith('audio/'))).toEqual([])
    expect(JSON.parse(new TextDecoder().decode(files['metadata.json'])).blobs[0]).toMatchObject({ blobId: 'mic', part: 0, missing: true })
  })

  test('reads the reference server’s zip export too', async () => {
    const handler = createHandler({ store: createMemoryStore(), log: false })
    const events = withAudio()
    const text = `${events.map((e) => JSON.stringify(e)).join('\n')}\n`
    const posted = await handler(new Request('http://server/v1/batches', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-ndjson', 'Content-Encoding': 'gzip', 'Idempotency-Key': 'k1', 'Tapedeck-Session': SESSION, 'Tapedeck-Seq': `0-${events.length - 1}` },
      body: gzipSync(new TextEncoder().encode(text)),
    }))
    expect(posted.status).toBeLessThan(300)
    await handler(new Request(`http://server/v1/sessions/${SESSION}/blobs/mic/0`, { method: 'PUT', headers: { 'Content-Type': 'audio/webm' }, body: new Uint8Array([7, 7]) }))
    const zip = new Uint8Array(await (await handler(new Request(`http://server/v1/sessions/${SESSION}/export?format=zip`))).arrayBuffer())
    const recording = await loadRecording(zip)
    expect(recording.events).toEqual(events)
    expect([...new Uint8Array(await (await recording.blobs.get('mic', 0)).arrayBuffer())]).toEqual([7, 7])
  })
})

describe('toCsv', () => {
  test('one row per provider call, in start order, RFC 4180', async () => {
    const csv = toCsv(await loadRecording(supportSession()))
    const lines = csv.split('\r\n')
    expect(lines.at(-1)).toBe('')
    expect(lines.slice(0, -1)).toEqual([
      'callId,provider,model,status,startT,startedAt,latencyMs,ttftMs,inputTokens,outputTokens,cachedTokens,reasoningTokens,costUsd,finishReason,error',
      `c1,openai,gpt-4o-mini,completed,1010,${new Date(START_TS + 1010).toISOString()},1200,300,100,20,50,,0.0004,tool_calls,`,
      `c2,openai,gpt-4o-mini,completed,2480,${new Date(START_TS + 2480).toISOString()},800,200,150,40,,10,0.0006,stop,`,
      `c3,openai,gpt-4o-mini,failed,5110,${new Date(START_TS + 5110).toISOString()},500,,,,,,,,Rate limit reached`,
      `c4,openai,gpt-4o-mini,completed,605700,${new Date(START_TS + 605_700).toISOString()},1000,400,200,30,,,0.0005,stop,`,
      `c5,openai,gpt-4o-mini,unfinished,607500,${new Date(START_TS + 607_500).toISOString()},,,,,,,,,`,
    ])
  })

  test('quotes, commas and formula-like text are made safe', async () => {
    const events = makeEvents('s1', [
      [0, 'session.started'],
      [5, 'provider.call.failed', { callId: 'c,1', model: '=cmd()', error: { message: 'He said "no", twice\nthen left' } }],
    ])
    const [, row] = toCsv(await loadRecording(events)).split('\r\n')
    expect(row).toBe(`"c,1",,'=cmd(),failed,5,${new Date(START_TS + 5).toISOString()},,,,,,,,,"He said ""no"", twice\nthen left"`)
  })
})

describe('toHtml', () => {
  test('one self-contained page: statistics, conversation, calls, tools, annotations, all escaped', async () => {
    const events = supportSession()
    events[2] = { ...events[2]!, data: { messageId: 'm1', role: 'user', content: '<script>alert("x")</script> & <img src=x onerror=alert(1)>' } }
    const recording = await loadRecording(events)
    annotate(recording, { kind: 'comment', key: 'note', value: '<b>bold</b>', target: 'session' })
    const html = toHtml(recording)
    expect(html).toMatch(/^<!doctype html>/)
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`)
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;')
    expect(html).toContain('<td>&lt;b&gt;bold&lt;/b&gt;</td>')
    expect(html).not.toMatch(/<script|<img|<link|<iframe|@import|url\(/i)
    expect(html).not.toMatch(/<[^>]*\s(src|href|on\w+)=/i) // no tag loads anything or runs anything
    for (const text of ['Your order ships tomorrow.', 'Yes, I can change it.', 'Can I change the address?']) expect(html).toContain(text)
    expect(html).toContain('<dt>Cost</dt><dd>$0.0015</dd>')
    expect(html).toContain('<dt>Latency</dt><dd>p50 1000 ms · p95 1200 ms (3)</dd>')
    expect(html).toContain('<dt>Provider calls</dt><dd>5 (3 completed, 1 failed, 1 unfinished)</dd>')
    expect(html).toContain('<td>lookupOrder</td><td>1</td><td>0</td><td>250 ms</td>')
    expect(html).toContain('Rate limit reached')
    expect(html.match(/<div class="msg /g)).toHaveLength(4)
  })
})

describe('WAV', () => {
  test('toWav needs Web Audio: in Node it throws audio_unsupported', async () => {
    await expect(toWav(await recordingWithAudio(), 'input')).rejects.toMatchObject({ code: 'audio_unsupported' })
  })

  test('encodeWav writes a 16-bit PCM RIFF header and interleaved, rounded, clipped samples', () => {
    const left = new Float32Array([0, 1, -1, 2])
    const right = new Float32Array([0.5, -0.5, 0, -2])
    const bytes = encodeWav([left, right], 8000)
    const view = new DataView(bytes.buffer)
    const text = (offset: number, length: number) => new TextDecoder().decode(bytes.slice(offset, offset + length))
    expect(bytes.length).toBe(44 + 4 * 2 * 2)
    expect([text(0, 4), text(8, 4), text(12, 4), text(36, 4)]).toEqual(['RIFF', 'WAVE', 'fmt ', 'data'])
    expect(view.getUint32(4, true)).toBe(36 + 16)
    expect([view.getUint16(20, true), view.getUint16(22, true), view.getUint32(24, true), view.getUint32(28, true), view.getUint16(32, true), view.getUint16(34, true)]).toEqual([1, 2, 8000, 32000, 4, 16])
    const samples = Array.from({ length: 8 }, (_, i) => view.getInt16(44 + i * 2, true))
    expect(samples).toEqual([0, 16384, 32767, -16384, -32768, 0, 32767, -32768])
  })
})
