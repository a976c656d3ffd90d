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
  test('is one file with its worker: it imports nothing; only LLM capture, audio, realtime voice, erasure and the capture options come from files beside it', () => {
    for (const name of ['tapedeck.js', 'tapedeck.mjs']) {
      const code = read(name)
      expect(code, name).not.toMatch(/\bimport\s*\(|\bimportScripts\s*\(/)
      expect(code, name).not.toMatch(/(?:^|[;}])\s*import\s*[{*'"\w]/)
      // The worker is made from the file's own function, not from a second file.
      expect(code, name).toMatch(/new Worker\(/)
      // The siblings, by a <script> tag (src/script/loadSibling.ts): nothing else is loaded.
      expect(code, name).toContain('tapedeck-${')
    }
    // The module build says where it is from (for the siblings), outside the bundle function.
    const mjs = read('tapedeck.mjs')
    expect(mjs.match(/\bimport\.meta\b/g)).toHaveLength(1)
    expect(mjs).toMatch(/^const TAPEDECK_MODULE_URL = import\.meta\.url;\n/)
    expect(mjs).toMatch(/\nexport default Tapedeck;/)
    expect(read('tapedeck.js')).not.toMatch(/\bimport\.meta\b/)
  })

  test('the siblings set their globals and carry what the base file leaves out', () => {
    const llm = read('tapedeck-llm.js')
    expect(llm).toMatch(/^var TapedeckLlm\s*=/)
    expect(llm).toContain('instrumentFetch')
    const audio = read('tapedeck-audio.js')
    expect(audio).toMatch(/^var TapedeckAudio\s*=/)
    expect(audio).toContain('createAudioCapture')
    const realtime = read('tapedeck-realtime.js')
    expect(realtime).toMatch(/^var TapedeckRealtime\s*=/)
    expect(realtime).toContain('oai-events')
    expect(realtime).toContain('recordPeerConnection')
    const erasure = read('tapedeck-erasure.js')
    expect(erasure).toMatch(/^var TapedeckErasure\s*=/)
    expect(erasure).toContain('could not be asked to erase')
    const capture = read('tapedeck-capture.js')
    expect(capture).toMatch(/^var TapedeckCapture\s*=/)
    expect(capture).toContain('startCapture')
    expect(capture).toContain('traceparent')
    // The base file does not carry them: MediaRecorder is the audio code's, the price table the LLM code's, the DELETE to the backend erasure's, trace headers and Web Vitals the capture code's.
    expect(read('tapedeck.js')).not.toMatch(/MediaRecorder|gpt-4o|oai-events|could not be asked to erase|traceparent|web-vitals/)
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

  // A known miss, kept visible: 48.8 KB on 2026-11-22, 40.5 KB on 2026-12-05 (issue 14's note
  // says what holds it back).
  // `test.fails` passes while the budget is missed and fails the day the bundle fits: then make
  // it a plain `test`. The budget itself is never raised.
  test.fails(`is at most ${BUDGET / 1000} KB gzip (level 9), worker included — MISSED for now`, () => {
    expect(measure()).toBeLessThanOrEqual(BUDGET)
  })

  // Until it fits, it must not grow by accident: the size measured when the miss was recorded,
  // plus 1%. Lower this as the bundle shrinks; nothing grows it without a note in the issue that
  // decides it. History: 48,900 → 50,800 → 49,250 → 50,750 → 51,550 (issues 7, 14 and 16, each
  // with its note). Lowered 51,550 → 40,900 on 2026-12-05 (40,492 measured, was 51,033): issue 14
  // §4 moved LLM capture (tapedeck-llm.js, 8.5 KB) and audio (tapedeck-audio.js, 4.2 KB) to files
  // loaded from beside the script on first use. What is left, module by module:
  // node packages/widget/scripts/sizeReport.mjs (and `npm run bench`). Then 40,900 → 42,150
  // (41,733 measured) when issue 14's other half merged: the redaction rules checked at
  // createRecorder and the page-left save that makes a reload `suspended` cost about 1.2 KB on
  // the page (issue 14's note of 2026-12-05 records it). Then 42,150 → 45,850 (45,381 measured)
  // on 2026-12-05, decided in issue 20's note: its seq leases and the page-hide keepalive send
  // (the events of the last seconds reach the server when the tab closes) cost 3,468 B here;
  // the other merges of that day (capture's loader, one read client, the worker's ingest
  // channel, realtime's sibling loader) were paid for by moving erasure to tapedeck-erasure.js.
  // Then 45,850 → 46,100 (45,871 measured in a clean-clone run) on 2026-12-05, session 8, decided
  // in issue 20's note: a session ended before its first seq block came back left that block
  // leased and explained by seq.skipped (SeqLeaser now waits for it), and createRecorder's `otlp`
  // option is checked on the page (issue 17). Lowered 46,100 → 45,600 (45,446 measured) on
  // 2026-12-05: shorter messages, one shared stub for what the file leaves out, no namespace
  // objects for the page-hide openers (issue 14 §4, smaller code). Then 45,600 → 46,100 (45,954
  // measured) in session 9, decided in issue 17's note: the capture options on the script tag
  // (their parsing and the loader of tapedeck-capture.js, which replaces a refusing stub), the
  // storage figures in the status and the network.socket catalogue entry cost 508 B; the code
  // that records sockets, console and network stays in the sibling. Then 46,100 → 46,600 (46,445
  // measured) in session 9, decided in issue 20's note: the page-hide send is warmed once in an
  // idle moment and builds one gzip member sized to fill its 64 KiB (491 B), which took the
  // e2e burst before the close from 720/1,232/2,000 to 1,022/2,000/2,000 events. Lowered
  // 46,600 → 46,500 (46,411 measured, was 46,508) in session 10 (issue 14 §4): the IBAN table by
  // length, one settle for both stores and both kinds of upload, one sent-data sweep in idbStore,
  // a shorter widget stylesheet — less the 192 B of honouring `sampleRate` when
  // tapedeck-capture.js cannot load (issue 17's open decision, taken in issue 14's note).
  // Lowered 46,500 → 46,150 (46,035 measured, was 46,411) in session 11 (issue 14 §4, smaller
  // code): interaction events built as one object each, one store wrapper for uploads, the
  // in-memory store on one array, listeners removed by an AbortController, one option check for
  // enumerations, no module objects in the file, and smaller duplicates (redactor cache, Bearer
  // header, consent states). 46,087 once merged with `startedSampling` (+51) and `staysClear` (−15).
  // Lowered 46,150 → 46,030 (45,947 measured, was 46,087) in session 12 (issue 14 §4, smaller
  // code): the widget's markup and stylesheet shipped without newlines or needless quotes, auto
  // capture's listeners removed by one AbortController, shorter refusals in init, one redaction
  // path in jsonRedactor. 45,972 once merged with the sync store's one-pass settle (+25).
  // 46,029 in session 13 with the pipelined compactor (+134, then −105 from it and −13 from
  // nextTask's setTimeout fallback, which no worker or page needs): under the ceiling, not lowered.
  const CEILING = 46_030
  test(`does not grow past ${CEILING.toLocaleString('en-US')} bytes gzip while the budget is missed`, () => {
    expect(measure()).toBeLessThanOrEqual(CEILING)
  })
})
