#!/usr/bin/env node
/**
 * How small a recorded session could get on the wire, by codec and by what is sent: the NDJSON of
 * a session export (`recorder.sessions.export(id)`), compressed chunk by chunk as the recorder
 * stores it, with gzip (levels 6 and 9) and brotli (qualities 5, 9, 11), whole and without parts
 * of the envelope or the payload. Node's zlib; not part of `npm run bench` (a browser has no
 * brotli to compress with).
 *
 *   node bench/wireCodecs.mjs session.jsonl [events per chunk, default 256]
 */
import { readFileSync } from 'node:fs'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

const [path, perChunkArg] = process.argv.slice(2)
if (!path) {
  console.error('usage: node bench/wireCodecs.mjs <session.jsonl> [events per chunk]')
  process.exit(2)
}
const perChunk = Number(perChunkArg ?? 256)
// The first line is session.started: its metadata is not a chat event.
const events = readFileSync(path, 'utf8').trim().split('\n').slice(1).map((line) => JSON.parse(line))
const rawBytes = events.reduce((sum, event) => sum + Buffer.byteLength(JSON.stringify(event)) + 1, 0)

const codecs = {
  'gzip 6': (bytes) => gzipSync(bytes, { level: 6 }).byteLength,
  'gzip 9': (bytes) => gzipSync(bytes, { level: 9 }).byteLength,
  ...Object.fromEntries(
    [5, 9, 11].map((quality) => [
      `brotli ${quality}`,
      (bytes) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: quality, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength } }).byteLength,
    ]),
  ),
}

const without = (event, ...keys) => Object.fromEntries(Object.entries(event).filter(([key]) => !keys.includes(key)))
const views = {
  'events as stored': (event) => JSON.stringify(event),
  'no event id': (event) => JSON.stringify(without(event, 'id')),
  'no id, ts, t': (event) => JSON.stringify(without(event, 'id', 'ts', 't')),
  'payloads alone': (event) => JSON.stringify(event.data),
  'payloads without messageId': (event) => JSON.stringify(without(event.data, 'messageId')),
  'message text alone': (event) => String(event.data?.content ?? ''),
}

console.log(`${events.length} events, raw NDJSON ${(rawBytes / events.length).toFixed(1)} B/event, chunks of ${perChunk}`)
console.log('compressed size per event, and as a share of the raw NDJSON')
for (const [name, view] of Object.entries(views)) {
  const chunks = []
  for (let i = 0; i < events.length; i += perChunk) chunks.push(Buffer.from(events.slice(i, i + perChunk).map(view).join('\n') + '\n'))
  const cells = Object.entries(codecs).map(([codec, size]) => {
    const bytes = chunks.reduce((sum, chunk) => sum + size(chunk), 0)
    return `${codec}: ${(bytes / events.length).toFixed(1)} B ${(bytes / rawBytes).toFixed(3)}`
  })
  console.log(`${name.padEnd(28)} ${cells.join(' | ')}`)
}
