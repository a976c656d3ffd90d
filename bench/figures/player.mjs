// The player figures: loadRecording + index against JSON.parse of the same NDJSON, and seek times.
import { openBenchPage } from '../lib/browser.mjs'
import { call, repeat } from '../lib/pageCalls.mjs'
import { ratios, summary } from '../lib/report.mjs'
import { BARS, SIZES } from '../lib/settings.mjs'

export async function playerFigures(env) {
  // Cross-origin isolated: performance.now() in 5 µs steps, fine enough to time one seek.
  const tab = await openBenchPage(env.context, `${env.pageUrl}?isolated`)
  const count = SIZES.player
  try {
    const session = await call(tab, 'playerSetup', { count, seed: 53 })
    if (!session.crossOriginIsolated) throw new Error('the player page is not cross-origin isolated: seek times would be in 100 µs steps')
    const runs = await repeat('player', async (i) => {
      const result = {}
      for (const mode of i % 2 ? ['player', 'parse'] : ['parse', 'player']) {
        // Each run starts from a collected heap: the previous run's million objects are not on its bill.
        await tab.heap()
        result[mode] = await call(tab, 'playerRun', { mode, seeks: SIZES.seeks, seed: 59 + i })
      }
      return result
    })
    await call(tab, 'playerTeardown')
    const load = runs.map((r) => r.player.ms)
    const parse = runs.map((r) => r.parse.ms)
    const ratio = ratios(load, parse)
    const p95 = summary(runs.map((r) => r.player.seekP95))
    const n = count.toLocaleString('en-US')
    return [
      {
        id: 'player-load',
        title: `player: loadRecording + index, ${n} events`,
        unit: 'ms',
        value: summary(load),
        anchor: { title: 'JSON.parse of every line of the same NDJSON', unit: 'ms', value: summary(parse) },
        ratio: { ...ratio, suffix: '×' },
        bar: { text: `≤ ${BARS.playerVsParse}× the anchor`, ok: ratio.median <= BARS.playerVsParse },
        detail: {
          ndjsonChars: session.chars,
          bytesPerEvent: Math.round(session.chars / count),
          oneByteString: session.oneByte,
          loadRecordingMs: summary(runs.map((r) => r.player.loadMs)),
          indexMs: summary(runs.map((r) => r.player.indexMs)),
        },
      },
      {
        id: 'player-seek',
        title: `player: seek p95, ${n} events (${SIZES.seeks.toLocaleString('en-US')} seeks to random positions)`,
        unit: 'ms',
        value: p95,
        bar: { text: `≤ ${BARS.seekP95Ms} ms`, ok: p95.median <= BARS.seekP95Ms },
        detail: { p50: summary(runs.map((r) => r.player.seekP50)), max: summary(runs.map((r) => r.player.seekMax)), timer: 'performance.now() in a cross-origin isolated page (5 µs steps)' },
      },
    ]
  } finally {
    await tab.close()
  }
}
