// The sync figure: syncNow() to the reference server against one fetch POST of the same bytes.
import { openBenchPage } from '../lib/browser.mjs'
import { call, dbName, repeat } from '../lib/pageCalls.mjs'
import { ratios, summary } from '../lib/report.mjs'
import { BARS, SIZES, SLICE } from '../lib/settings.mjs'

export async function syncFigures(env) {
  const tab = await openBenchPage(env.context, env.pageUrl)
  const count = SIZES.sync
  try {
    const runs = await repeat('sync to the reference server', async (i) => {
      env.syncServer.reset()
      env.anchorServer.reset()
      const result = await call(tab, 'sync', {
        count,
        slice: SLICE,
        seed: 31,
        dbName: dbName('sync'),
        endpoint: env.syncServer.url,
        anchorEndpoint: env.anchorServer.url,
        anchorFirst: i % 2 === 1,
      })
      // Both servers must hold every event: a sync that failed fast would look fast.
      for (const [name, server] of [['sync', env.syncServer], ['anchor', env.anchorServer]]) {
        const session = await server.session(result.sessionId)
        if (session?.stats.events !== result.events || session.completeness.gaps.length > 0) {
          throw new Error(`the ${name} server holds ${session?.stats.events ?? 0} of ${result.events} events`)
        }
      }
      return { ...result, requests: env.syncServer.counted.requests }
    })
    const sync = runs.map((r) => r.bytes / (r.syncMs / 1000))
    const anchor = runs.map((r) => r.bytes / (r.anchorMs / 1000))
    const ratio = ratios(sync, anchor)
    return [
      {
        id: 'sync',
        title: `sync: ${count.toLocaleString('en-US')} events, IndexedDB → reference server (loopback)`,
        unit: 'bytes/s',
        value: summary(sync),
        anchor: { title: 'one fetch POST of the same bytes', unit: 'bytes/s', value: summary(anchor) },
        ratio: { ...ratio, suffix: '×' },
        bar: { text: `≥ ${BARS.syncVsAnchor}× anchor`, ok: ratio.median >= BARS.syncVsAnchor },
        detail: {
          bytes: runs[0]?.bytes,
          chunks: runs[0]?.chunks,
          requests: summary(runs.map((r) => r.requests)),
          syncMs: summary(runs.map((r) => r.syncMs)),
          anchorMs: summary(runs.map((r) => r.anchorMs)),
        },
      },
    ]
  } finally {
    await tab.close()
  }
}
