// The durable figures: throughput against raw IndexedDB and Dexie, the bytes on the wire against
// raw NDJSON, and compaction after a burst and while the page goes on recording.
import { openBenchPage } from '../lib/browser.mjs'
import { call, dbName, repeat } from '../lib/pageCalls.mjs'
import { ratios, summary } from '../lib/report.mjs'
import { BARS, MB, SIZES, SLICE } from '../lib/settings.mjs'

export async function durableFigures(tab) {
  {
    const count = SIZES.durable
    const modes = ['recorder', 'raw-idb', 'dexie']
    const runs = await repeat('durable throughput', async (i, warm) => {
      const result = {}
      // A different order each run, so drift on a shared machine spreads over all three.
      for (let k = 0; k < modes.length; k++) {
        const mode = modes[(i + k) % modes.length]
        const size = mode === 'dexie' ? SIZES.dexie : count
        result[mode] = await call(tab, 'durable', {
          mode,
          count: size,
          slice: SLICE,
          seed: 23,
          dbName: dbName(mode),
          // The warm-up run (or the first) keeps a few MB of the NDJSON for the compression figure.
          ...(mode === 'recorder' && (warm || (i === 0 && SIZES.warmups === 0)) && { sampleBytes: SIZES.sample }),
        })
        // The compaction figure's anchor, in the same run: the browser's own gzip on the same NDJSON.
        if (mode === 'recorder') result.native = await call(tab, 'nativeCompressionSpeed')
      }
      return result
    })
    const recorder = runs.map((r) => r.recorder.eventsPerSec)
    const raw = runs.map((r) => r['raw-idb'].eventsPerSec)
    const dexie = runs.map((r) => r.dexie.eventsPerSec)
    const perEvent = (r) => r.recorder.wireBytes / r.recorder.events
    const rawPerEvent = (r) => r.recorder.rawBytes / r.recorder.events
    const throughput = summary(recorder)
    const vsRaw = ratios(recorder, raw)
    const vsDexie = ratios(recorder, dexie)
    // Runs whose raw chunks were all compressed within the bound (else their wire bytes are not what an upload sends).
    const settled = runs.filter((r) => !r.recorder.compaction.error)
    const unsettled = runs.find((r) => r.recorder.compaction.error)?.recorder.compaction.error
    const wire = ratios(settled.map(perEvent), settled.map(rawPerEvent))
    const floorRuns = settled.filter((r) => r.recorder.payloadGzipBytes !== undefined)
    const floorPerEvent = (r) => r.recorder.payloadGzipBytes / r.recorder.events
    return [
      {
        id: 'durable-throughput',
        title: `durable throughput, record() → flush(), ${count.toLocaleString('en-US')} events`,
        unit: 'events/s',
        value: throughput,
        anchor: { title: 'raw IndexedDB, 1 JSON record/1000 events', unit: 'events/s', value: summary(raw) },
        ratio: { ...vsRaw, suffix: '×' },
        bar: {
          text: `≥ ${BARS.durableVsRaw}× anchor and ≥ ${BARS.durableEventsPerSec / 1000} k/s`,
          ok: vsRaw.median >= BARS.durableVsRaw && throughput.median >= BARS.durableEventsPerSec,
        },
        detail: { ms: summary(runs.map((r) => r.recorder.ms)), chunks: runs[0]?.recorder.chunks, chunkRawBytes: runs[0] && Math.round(runs[0].recorder.rawBytes / runs[0].recorder.chunks), storedRawAtFlush: runs.map((r) => r.recorder.compaction.rawChunks) },
      },
      {
        id: 'durable-vs-dexie',
        title: 'the same, against the obvious design',
        unit: 'events/s',
        value: throughput,
        anchor: { title: `Dexie bulkPut, 1 record/event (${SIZES.dexie.toLocaleString('en-US')} events)`, unit: 'events/s', value: summary(dexie) },
        ratio: { ...vsDexie, suffix: '×' },
        bar: { text: `≥ ${BARS.durableVsDexie}× the peer`, ok: vsDexie.median >= BARS.durableVsDexie },
      },
      settled.length === 0
        ? { id: 'wire-bytes', title: 'bytes on the wire per chat event (stored gzip chunks)', status: 'error', error: `not measured: ${unsettled}` }
        : {
            id: 'wire-bytes',
            title: 'bytes on the wire per chat event (stored gzip chunks)',
            unit: 'B/event',
            value: summary(settled.map(perEvent)),
            anchor: { title: 'raw NDJSON', unit: 'B/event', value: summary(settled.map(rawPerEvent)) },
            ratio: { ...wire, digits: 3 },
            bar: { text: `≤ ${BARS.wireVsRaw} of raw`, ok: wire.median <= BARS.wireVsRaw },
            ...(unsettled && { detail: { runsLeftOut: runs.length - settled.length, why: unsettled } }),
          },
      ...compactionFigures(runs, count),
      ...(floorRuns.length > 0
        ? [
            {
              id: 'wire-bytes-payloads',
              title: '  the payloads alone, no envelope, gzip -9 per chunk (not the bar)',
              unit: 'B/event',
              value: summary(floorRuns.map(floorPerEvent)),
              anchor: { title: 'raw NDJSON', unit: 'B/event', value: summary(floorRuns.map(rawPerEvent)) },
              ratio: { ...ratios(floorRuns.map(floorPerEvent), floorRuns.map(rawPerEvent)), digits: 3 },
              detail: { method: "each stored event's data as JSON, one a line, gzip level 9 in groups of the recorder's events per chunk: what no envelope design can go below with gzip" },
            },
          ]
        : []),
    ]
  }
}

/**
 * Compaction, from the durable runs: the chunks stored raw at the burst's end, their raw bytes per
 * second from the end of the burst until nothing is raw, against CompressionStream's MB/s measured
 * right after in the same run.
 */
function compactionFigures(all, count) {
  const n = count.toLocaleString('en-US')
  const runs = all.filter((r) => !r.recorder.compaction.error)
  const unsettled = all.find((r) => r.recorder.compaction.error)?.recorder.compaction.error
  if (unsettled) {
    // One run past its bound is the figure: the others would hide the slow one.
    return [{ id: 'compaction-settle', title: `compaction after a ${n}-event burst`, status: 'error', error: `not measured: ${unsettled}` }]
  }
  const settle = runs.map((r) => r.recorder.compaction.waitedMs)
  const settleRow = {
    id: 'compaction-settle',
    title: `compaction: time from the end of a ${n}-event burst until nothing is raw`,
    unit: 'ms',
    value: summary(settle),
    detail: { rawChunksAtEnd: runs.map((r) => r.recorder.compaction.rawChunks), rawBytesAtEnd: runs.map((r) => r.recorder.compaction.rawBytes), boundMs: runs.map((r) => Math.round(r.recorder.compaction.boundMs)) },
  }
  const timed = runs.filter((r) => r.recorder.compaction.rawBytes > 0 && r.recorder.compaction.waitedMs > 0)
  if (timed.length === 0) {
    return [{ id: 'compaction', title: 'compaction', status: 'error', error: 'not measured: no chunk was raw at the end of any burst (compaction kept up during it)' }, settleRow]
  }
  const speed = timed.map((r) => r.recorder.compaction.rawBytes / MB / (r.recorder.compaction.waitedMs / 1000))
  const native = timed.map((r) => r.native)
  const ratio = ratios(speed, native)
  return [
    {
      id: 'compaction',
      title: `compaction after a ${n}-event burst: raw MB compressed per s`,
      unit: 'MB/s',
      value: summary(speed),
      anchor: { title: "CompressionStream('gzip') in a worker, same NDJSON", unit: 'MB/s', value: summary(native) },
      ratio: { ...ratio, suffix: '×' },
      bar: { text: `≥ ${BARS.compactionVsNative}× anchor`, ok: ratio.median >= BARS.compactionVsNative },
      detail: {
        method: "from flush() resolving until no chunk of the session is raw (chunk records polled every 20 ms); the bytes are the raw chunks' sizes at the burst's end",
        runsTimed: timed.length,
      },
    },
    {
      id: 'compaction-chunks',
      title: '  the same, in chunks',
      unit: 'chunks/s',
      value: summary(timed.map((r) => r.recorder.compaction.rawChunks / (r.recorder.compaction.waitedMs / 1000))),
    },
    settleRow,
  ]
}

/** Compaction while the page keeps recording after its burst (a streamed reply): judged in the quick run too. */
export async function compactionStreamingFigure(env) {
  const tab = await openBenchPage(env.context, env.pageUrl)
  const count = 20_000
  // A streamed reply, one event per token: the page hands the worker a batch every 50 ms
  // (flushIntervalMs), so the worker is never idle for long.
  const everyMs = 10
  try {
    const runs = await repeat('compaction while recording', () => call(tab, 'compactionStreaming', { count, slice: SLICE, seed: 29, dbName: dbName('streaming'), everyMs }))
    const waited = summary(runs.map((r) => r.waitedMs))
    return [
      {
        id: 'compaction-streaming',
        title: `compaction: a ${count.toLocaleString('en-US')}-event burst, then ${1000 / everyMs} events/s: its end until nothing is raw`,
        unit: 'ms',
        value: waited,
        bar: { text: `≤ ${BARS.compactionStreamingMs / 1000} s in every run (the quick run too)`, ok: waited.max <= BARS.compactionStreamingMs, quick: true },
        detail: { rawChunksAtEnd: runs.map((r) => r.rawChunks), rawBytesAtEnd: runs.map((r) => r.rawBytes), streamedMeanwhile: runs.map((r) => r.streamed) },
      },
    ]
  } finally {
    await tab.close()
  }
}
