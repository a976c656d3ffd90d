import type { Evaluation } from '../eval/evaluate'
import { escapeHtml } from '../export/escapeHtml'

// XML 1.0 has no place for most control characters, even escaped.
const xml = (value: unknown) => escapeHtml(String(value).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '?'))
const seconds = (ms: number) => (ms / 1000).toFixed(3)

/**
 * An evaluation as JUnit XML (the format CI systems show as tests): one `testsuite` per
 * recording, one `testcase` per check, a failed check as `<failure>` (a check that threw, or a
 * judge that could not answer, as `<error>`) with its details as text.
 */
export function toJunit(evaluation: Evaluation, name = 'tapedeck eval'): string {
  const failures = evaluation.results.filter((r) => !r.passed && !r.errored).length
  const errors = evaluation.results.filter((r) => r.errored).length
  const total = evaluation.results.reduce((sum, r) => sum + r.durationMs, 0)
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(name)}" tests="${evaluation.total}" failures="${failures}" errors="${errors}" time="${seconds(total)}">`,
  ]
  for (const recording of evaluation.recordings) {
    const f = recording.results.filter((r) => !r.passed && !r.errored).length
    const e = recording.results.filter((r) => r.errored).length
    const time = recording.results.reduce((sum, r) => sum + r.durationMs, 0)
    lines.push(`  <testsuite name="${xml(recording.sessionId)}" tests="${recording.results.length}" failures="${f}" errors="${e}" time="${seconds(time)}">`)
    for (const result of recording.results) {
      const open = `    <testcase classname="${xml(recording.sessionId)}" name="${xml(result.name)}" time="${seconds(result.durationMs)}"`
      if (result.passed) {
        lines.push(`${open}/>`)
        continue
      }
      const tag = result.errored ? 'error' : 'failure'
      const details = result.details === undefined ? '' : JSON.stringify(result.details, null, 2)
      const events = result.eventIds.length ? `\nevents: ${result.eventIds.join(', ')}` : ''
      lines.push(`${open}>`, `      <${tag} message="${xml(`${result.name} failed (score ${result.score})`)}">${xml(details + events)}</${tag}>`, '    </testcase>')
    }
    lines.push('  </testsuite>')
  }
  lines.push('</testsuites>', '')
  return lines.join('\n')
}
