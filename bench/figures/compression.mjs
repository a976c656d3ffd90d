// The compression figures, in the durable figure's tab: the recorder's method, told from a chunk
// it stored, against the other candidates' speed and ratio on the same NDJSON.
import { call, repeat } from '../lib/pageCalls.mjs'
import { format, summary } from '../lib/report.mjs'
import { BARS, MB } from '../lib/settings.mjs'

const methodId = (m) => (m.kind === 'native' ? 'native' : `fflate-${m.level}${m.mem !== undefined ? `-mem${m.mem}` : ''}`)
const methodTitle = (m) => (m.kind === 'native' ? "CompressionStream('gzip')" : `fflate gzipSync level ${m.level}${m.mem !== undefined ? `, mem ${m.mem}` : ''}`)

export async function compressionFigures(tab, chunkRawBytes) {
  // The durable figure's first recorder run kept the NDJSON and a stored chunk in this tab.
  const inBytes = await call(tab, 'compressionSetup')
  try {
    // The recorder's method, told from a chunk it stored (not from its source): the candidate
    // that makes the same deflate stream from the same NDJSON.
    const identified = await call(tab, 'compressionIdentify')
    if (identified.matches.length === 0) {
      throw new Error(`the recorder's stored chunk matches neither CompressionStream('gzip') nor fflate at any level or memory setting: update bench/pages/anchors/compressionWorker.ts`)
    }
    // Several can match (a tiny chunk): the native stream first, then the lowest fflate level.
    const used = identified.matches[0]
    const tried = [{ kind: 'fflate', level: 1 }, { kind: 'fflate', level: 6 }, { kind: 'native' }]
    if (!tried.some((m) => methodId(m) === methodId(used))) tried.push(used)
    const methods = tried.map((method) => ({ id: methodId(method), title: methodTitle(method), method }))
    const mine = methods.find((m) => m.id === methodId(used))
    // Not in the bar: one gzip member per stored chunk (their average size), by the recorder's own
    // method and by fflate level 6 (the one to weigh against it when it is the faster whole).
    const fflate6 = methods.find((m) => m.id === methodId({ kind: 'fflate', level: 6 }))
    const perChunk = chunkRawBytes
      ? [...new Set([mine, fflate6])].map((m) => ({ id: `${m.id}-chunks`, title: `${m.title}, per ${format(chunkRawBytes, 'bytes')} chunk as stored`, method: m.method, pieceBytes: chunkRawBytes, info: true }))
      : []
    const measured = [...methods, ...perChunk]
    const runs = await repeat('compression in the worker', async (i) => {
      const result = {}
      for (let k = 0; k < measured.length; k++) {
        const m = measured[(i + k) % measured.length]
        result[m.id] = await call(tab, 'compress', { method: m.method, ...(m.pieceBytes && { pieceBytes: m.pieceBytes }) })
      }
      return result
    })
    const stats = measured.map((m) => ({
      ...m,
      speed: summary(runs.map((r) => r[m.id].inBytes / MB / (r[m.id].ms / 1000))),
      ratio: summary(runs.map((r) => r[m.id].outBytes / r[m.id].inBytes)),
    }))
    const candidates = stats.filter((s) => !s.info)
    const best = Math.min(...candidates.map((s) => s.ratio.median))
    const eligible = candidates.filter((s) => s.ratio.median <= best * (1 + BARS.compressionRatioSlack))
    const fastest = eligible.reduce((a, b) => (b.speed.median > a.speed.median ? b : a))
    return stats.map((s) => ({
      id: `compression-${s.id}`,
      title: `compression in the worker: ${s.title}${s.id === mine.id ? ' (the recorder’s)' : ''}`,
      unit: 'MB/s',
      value: s.speed,
      anchor: { title: `gzip ratio on ${format(inBytes, 'bytes')} of NDJSON`, unit: '', text: 'see ratio' },
      ratio: { ...s.ratio, digits: 3 },
      ...(s.id === mine.id && {
        bar: { text: `fastest of those within ${BARS.compressionRatioSlack * 100}% of the best ratio`, ok: fastest.id === s.id },
      }),
      detail: {
        inBytes,
        method: s.method,
        ...(s.pieceBytes && { pieceBytes: s.pieceBytes }),
        eligible: !s.info && s.ratio.median <= best * (1 + BARS.compressionRatioSlack),
        fastestEligible: fastest.id,
        ...(s.id === mine.id && { recorderMethod: { identifiedFrom: `a stored chunk of ${identified.storedBytes} bytes (${identified.rawBytes} bytes of NDJSON)`, matches: identified.matches } }),
      },
    }))
  } finally {
    await call(tab, 'compressionTeardown')
  }
}
