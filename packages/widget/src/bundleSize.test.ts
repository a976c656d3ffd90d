// The script-tag file's size is a feature (budgets are tests). It reads the built file:
// the root `npm test` builds every package first; alone, run `npm run build -w @tapedeck/widget`.
import { existsSync, readFileSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'

/** 30 KB gzip, worker included (KB = 1000 bytes, as in the bench). Never raise it. */
const BUDGET = 30_000

const dist = (name: string) => fileURLToPath(new URL(`../dist/${name}`, import.meta.url))

function read(name: string): string {
  const path = dist(name)
  if (!existsSync(path)) throw new Error(`${path} is not built: run \`npm run build -w @tapedeck/widget\` (the root npm test builds first).`)
  return readFileSync(path, 'utf8')
}

describe('the script-tag bundle', () => {
  test('is one file: nothing else is imported, fetched or loaded as a worker', () => {
    for (const name of ['tapedeck.js', 'tapedeck.mjs']) {
      const code = read(name)
      expect(code, name).not.toMatch(/\bimport\s*\(|\bimport\.meta\b|\bimportScripts\s*\(/)
      expect(code, name).not.toMatch(/(?:^|[;}])\s*import\s*[{*'"\w]/)
      // The worker is made from the file's own function, not from a second file.
      expect(code, name).toMatch(/new Worker\(/)
    }
    expect(read('tapedeck.mjs')).toMatch(/\nexport default Tapedeck;/)
  })

  // zlib at level 9, as the bench measures; `gzip -9 -c dist/tapedeck.js | wc -c` gives about 0.5% less.
  const measure = () => {
    const code = read('tapedeck.js')
    const gzip = gzipSync(code, { level: 9 }).byteLength
    const built = statSync(dist('tapedeck.js')).mtime.toISOString()
    console.log(
      `dist/tapedeck.js (built ${built}): ${code.length.toLocaleString('en-US')} bytes, ${gzip.toLocaleString('en-US')} bytes gzip level 9 ` +
        `(${((gzip / BUDGET) * 100).toFixed(0)}% of the ${BUDGET.toLocaleString('en-US')}-byte budget). ` +
        'What each part costs: node packages/widget/scripts/sizeReport.mjs',
    )
    return gzip
  }

  // A known miss, kept visible: 48.8 KB on 2026-11-22 (issue 7's note says what holds it back).
  // `test.fails` passes while the budget is missed and fails the day the bundle fits: then make
  // it a plain `test`. The budget itself is never raised.
  test.fails(`is at most ${BUDGET / 1000} KB gzip (level 9), worker included — MISSED for now`, () => {
    expect(measure()).toBeLessThanOrEqual(BUDGET)
  })

  // Until it fits, it must not grow by accident: the size measured when the miss was recorded,
  // plus 1%. Lower this as the bundle shrinks. It moved up once, as a decision recorded in issue 7's
  // note: 48,900 → 50,800 on 2026-11-22 (50,304 measured: +818 bytes for compaction, the engine
  // storing batches uncompressed under load — durable throughput 0.31× → 0.5× raw IndexedDB — and
  // +586 for encryptForServer's plumbing in the engine; the sealing code itself is left out of this
  // file). Nothing grows it without such a note. Lowered 50,800 → 49,250 on 2026-11-22 (48,751
  // measured, was 50,347: dynamic imports made static in the one file −587 bytes; class members
  // `#private` instead of TS `private`, so the minifier shortens their names, −964; repeated
  // option spreads folded into `pick` −45). Moved up 49,250 → 50,750 on 2026-12-05 (50,489
  // measured, was 48,952 at the branch's base: issue 14 puts `recordInteraction` in core and so in
  // this file, makes every capture call report instead of throw, and adds retain/release; its §4
  // shrinks the file next). Moved up 50,750 → 51,550 on 2026-12-05 (51,033 measured by CI's run
  // after this round's branches were merged onto issue 14's: +544 bytes came with the merge of
  // issue 16's CORS hint on failed uploads and page-relative `data-endpoint`, and issue 21's
  // Compactor; the shares were not measured apart). Issue 14 §4 is the next step: shrink, then lower this.
  const CEILING = 51_550
  test(`does not grow past ${CEILING.toLocaleString('en-US')} bytes gzip while the budget is missed`, () => {
    expect(measure()).toBeLessThanOrEqual(CEILING)
  })
})
