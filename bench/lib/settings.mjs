// The bench run's settings (bench/run.mjs): its flags, the sizes a full or a quick run measures,
// and the bars the figures are judged against.

const args = new Set(process.argv.slice(2))
export const quick = args.has('--quick')
export const strict = args.has('--strict')
export const profiling = args.has('--profile')
export const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',')
export const wanted = (name) => !only || only.some((part) => name.includes(part))

export const SIZES = quick
  ? { warmups: 0, runs: 1, mainThread: 5_000, durable: 20_000, dexie: 5_000, sample: 256 * 1024, sync: 5_000, memory: 10_000, memoryWarmup: 2_000, player: 20_000, seeks: 200, evalSessions: 100, evalEvents: 50 }
  : { warmups: 1, runs: 5, mainThread: 100_000, durable: 100_000, dexie: 100_000, sample: 4 * 1024 * 1024, sync: 100_000, memory: 1_000_000, memoryWarmup: 20_000, player: 1_000_000, seeks: 2_000, evalSessions: 1_000, evalEvents: 50 }
/** `--runs=N`: fewer (or more) measured runs, to try one change quickly; the table then says so in its header. */
const runsArg = Number(process.argv.find((arg) => arg.startsWith('--runs='))?.slice('--runs='.length))
if (Number.isInteger(runsArg) && runsArg > 0) SIZES.runs = runsArg
export const SLICE = 1000
/** Every call into the page is bounded. */
export const CALL_TIMEOUT_MS = quick ? 60_000 : 600_000

export const KB = 1000
export const MB = 1000 * 1000
export const BARS = {
  recordUs: 2,
  /** record() against JSON.stringify of its payload, in the same run, in the npm and the script-tag build. */
  recordVsStringify: 2,
  longTaskMs: 50,
  durableVsRaw: 0.35,
  durableEventsPerSec: 150_000,
  durableVsDexie: 10,
  wireVsRaw: 0.12,
  compressionRatioSlack: 0.1,
  syncVsAnchor: 0.5,
  compactionVsNative: 0.5,
  /** After a burst of 20,000 events, while the page goes on recording, nothing raw within this long (judged in the quick run too). */
  compactionStreamingMs: 2000,
  pageHeapGrowth: 5 * MB,
  workerHeap: 64 * MB,
  playerVsParse: 2,
  evalVsLoad: 2,
  seekP95Ms: 1,
  scriptTagGzip: 30 * KB,
  /** Issue 14 §4: the page entry ≤ 10 KB (was 12 KB). */
  coreEntryGzip: 10 * KB,
}
