/**
 * The evaluation figure's browser side: many short recorded sessions (`sessionNdjson`, 50 events
 * each), loaded with `loadRecording`, then evaluated with every built-in check of
 * `@tapedeck/player` (results written as annotations, as by default). The anchor is loading them.
 */
import { sessionNdjson } from './sessionNdjson'

let texts: string[] | undefined

export function evalSetup({ sessions, events, seed }: { sessions: number; events: number; seed: number }) {
  texts = Array.from({ length: sessions }, (_, i) => sessionNdjson(events, seed + i).text)
  return { sessions, events, chars: texts.reduce((sum, text) => sum + text.length, 0) }
}

export async function evalRun({ mode }: { mode: 'load' | 'evaluate' }) {
  if (!texts) throw new Error('evalSetup() first')
  // Loaded before the clock starts.
  const player = await import('@tapedeck/player')
  const { loadRecording, evaluate } = player
  const checks = [
    player.latencyBudget({ latencyMs: 1500 }),
    player.latencyBudget({ ttftMs: 400, at: 'every', name: 'ttft' }),
    player.costBudget({ maxUsd: 0.01, maxTokens: 50_000 }),
    player.noFailedCalls(),
    player.noErrors(),
    player.toolCalled({ name: 'lookup_order', args: { type: 'object', properties: { orderId: { type: 'string', pattern: '^\\d+$' } }, required: ['orderId'] } }),
    player.toolNotCalled({ name: 'cancel_order' }),
    player.answerMatches({ pattern: /\S/, answers: 'every' }),
    player.maxTurns(20),
    player.transcriptConfidence({ min: 0.5 }),
    player.redactionHeld(),
  ]
  const started = performance.now()
  const recordings = []
  for (const text of texts) recordings.push(await loadRecording(text))
  const loadMs = performance.now() - started
  if (mode === 'load') return { ms: loadMs, recordings: recordings.length }
  const evaluated = performance.now()
  const evaluation = await evaluate(recordings, checks)
  const ms = performance.now() - evaluated
  if (evaluation.total !== texts.length * checks.length) throw new Error(`evaluated ${evaluation.total} results, expected ${texts.length * checks.length}`)
  const annotations = recordings.reduce((sum, recording) => sum + recording.annotations.length, 0)
  if (annotations !== evaluation.total) throw new Error(`wrote ${annotations} annotations for ${evaluation.total} results`)
  return { ms, loadMs, recordings: recordings.length, results: evaluation.total, passRate: evaluation.passRate, checks: checks.length }
}

export function evalTeardown() {
  texts = undefined
}
