// The capture figures: an app call autoCapture intercepts and records against the same call unwatched.
import { openBenchPage } from '../lib/browser.mjs'
import { call, dbName, repeat } from '../lib/pageCalls.mjs'
import { ratios, summary } from '../lib/report.mjs'
import { quick } from '../lib/settings.mjs'

/**
 * The main-thread cost of an app call that `autoCapture` intercepts and records (console.warn, a
 * fetch answered 404), against the same call unwatched, back to back in one tab (captureBench.ts).
 * No bar yet: the issue asks for the figure.
 */
export async function captureFigures(env) {
  const tab = await openBenchPage(env.context, env.pageUrl)
  const count = quick ? 2_000 : 20_000
  try {
    const rows = []
    for (const kind of ['console', 'console-stub', 'network']) {
      await call(tab, 'captureSetup', { kind, db: dbName(`capture-${kind}`) })
      let recorded = 0
      const runs = await repeat(`autoCapture.${kind} intercepts`, async (i) => {
        const result = {}
        for (const mode of i % 2 ? ['captured', 'plain'] : ['plain', 'captured']) result[mode] = await call(tab, 'captureRun', { kind, mode, count })
        recorded = result.captured.accepted
        return result
      })
      await call(tab, 'captureTeardown')
      const captured = runs.map((r) => r.captured.usPerCall)
      const plain = runs.map((r) => r.plain.usPerCall)
      rows.push({
        id: `capture-${kind}`,
        title: `autoCapture.${kind === 'network' ? 'network' : 'console'}: an intercepted, recorded ${{ console: 'console.warn', 'console-stub': 'warn() of a console that prints nothing', network: 'fetch answered 404 (stub)' }[kind]} (${count.toLocaleString('en-US')} calls)`,
        unit: 'µs/call',
        value: summary(captured),
        anchor: { title: { console: 'the same console.warn, unwatched', 'console-stub': 'the same warn(), unwatched', network: 'the same stub fetch, unwatched' }[kind], unit: 'µs/call', value: summary(plain) },
        // Against a warn() that does nothing a ratio says nothing: the extra time is the figure.
        ...(kind !== 'console-stub' && { ratio: { ...ratios(captured, plain), suffix: '×' } }),
        detail: { extraUsPerCall: summary(captured.map((us, i) => us - plain[i])), recordedAtEnd: recorded, time: 'wall time in the page, main thread' },
      })
    }
    return rows
  } finally {
    await tab.close()
  }
}
