import type { EraseReport, EraseResult } from './SessionStore.js'

/** What erasing several sessions did, in their order: the erased and the held ones ('not_found' left out). */
export function eraseReport(results: Iterable<readonly [string, EraseResult]>): EraseReport {
  const report: EraseReport = { erased: [], held: [] }
  for (const [id, result] of results) if (result !== 'not_found') report[result].push(id)
  return report
}
