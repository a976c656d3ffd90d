// The evaluation figure: the built-in checks over many recordings against loading them.
import { openBenchPage } from '../lib/browser.mjs'
import { call, repeat } from '../lib/pageCalls.mjs'
import { ratios, summary } from '../lib/report.mjs'
import { BARS, SIZES } from '../lib/settings.mjs'

export async function evalFigures(env) {
  const tab = await openBenchPage(env.context, env.pageUrl)
  const sessions = SIZES.evalSessions
  try {
    await call(tab, 'evalSetup', { sessions, events: SIZES.evalEvents, seed: 61 })
    const runs = await repeat('evaluate', async (i) => {
      const result = {}
      for (const mode of i % 2 ? ['evaluate', 'load'] : ['load', 'evaluate']) {
        await tab.heap()
        result[mode] = await call(tab, 'evalRun', { mode })
      }
      return result
    })
    await call(tab, 'evalTeardown')
    const evaluateMs = runs.map((r) => r.evaluate.ms)
    const loadMs = runs.map((r) => r.load.ms)
    const ratio = ratios(evaluateMs, loadMs)
    const { checks, results, passRate } = runs[0].evaluate
    return [
      {
        id: 'eval-checks',
        title: `evaluate: ${checks} built-in checks on ${sessions.toLocaleString('en-US')} recordings of ${SIZES.evalEvents} events`,
        unit: 'ms',
        value: summary(evaluateMs),
        anchor: { title: 'loadRecording of the same NDJSON texts', unit: 'ms', value: summary(loadMs) },
        ratio: { ...ratio, suffix: '×' },
        bar: { text: `≤ ${BARS.evalVsLoad}× the anchor`, ok: ratio.median <= BARS.evalVsLoad },
        detail: { results, passRate, annotationsWritten: results, note: 'results written as validation.result annotations (the default)' },
      },
    ]
  } finally {
    await tab.close()
  }
}
