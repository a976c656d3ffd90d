/**
 * The main-thread figures' browser side: the cost of `record()` per event against an empty loop,
 * and against `JSON.stringify` of the same payloads, in the npm build or the script-tag file.
 */
import { createRecorder, type Recorder, type RecorderOptions } from '@tapedeck/core'
import { makeChatEvents } from './chatEvents'
import { deleteDatabase } from './database'
import { nextTask, runSlices, timeout, watchLongTasks } from './meter'
import { checkDurable, closeRecorder, holdIfAsked, POOL, startRecorder, TYPE } from './benchRecorder'

interface ScriptTagApi {
  init(options: RecorderOptions & { autoCapture?: boolean }): Recorder
  destroy(): Promise<void>
}
let scriptTagLoad: Promise<ScriptTagApi> | undefined
/** The script-tag file (served beside this page as /tapedeck.js), loaded once by a <script> tag. */
function scriptTag(): Promise<ScriptTagApi> {
  return (scriptTagLoad ??= new Promise((resolve, reject) => {
    const script = document.createElement('script')
    script.src = '/tapedeck.js'
    script.onload = () => resolve((window as unknown as { Tapedeck: ScriptTagApi }).Tapedeck)
    script.onerror = () => reject(new Error('/tapedeck.js did not load: build it with `npm run build -w @tapedeck/widget`'))
    document.head.append(script)
  }))
}

let sink: unknown

/**
 * Main-thread cost per event: `record()` for each event (or nothing, for the empty loop), in
 * slices of `slice` events per task with `setTimeout(0)` between them, as an app would; the
 * batches handed to the worker and the answers handled on the page count too.
 */
export async function mainThread({ mode, count, slice, seed, dbName, hold }: { mode: 'recorder' | 'empty'; count: number; slice: number; seed: number; dbName: string; hold?: boolean }) {
  // A pool of distinct events, cycled: the test's own live heap stays small (100,000 events
  // made up front would be ~50 MB the page's garbage collector walks, on the recorder's bill).
  const pool = makeChatEvents(Math.min(count, POOL), seed)
  const started = mode === 'recorder' ? await startRecorder({ dbName }) : undefined
  const recorder = started?.recorder
  const work = recorder
    ? (from: number, to: number) => {
        for (let i = from; i < to; i++) recorder.record(TYPE, pool[i % POOL]!)
      }
    : (from: number, to: number) => {
        for (let i = from; i < to; i++) sink = pool[i % POOL]
      }
  await timeout(50)
  await holdIfAsked(hold)
  const longTasks = watchLongTasks()
  const times = await runSlices(count, slice, work, () => timeout(0), () => started?.recorder.flush() ?? Promise.resolve())
  const during = (await longTasks()).filter((task) => task.startTime + task.duration > times.startedAt && task.startTime < times.endedAt)
  await holdIfAsked(hold)
  if (started) {
    checkDurable(started.recorder, count + 1)
    await closeRecorder(started.recorder, dbName)
  }
  return {
    ...times,
    perEventUs: ((times.sliceMs + times.messageMs) * 1000) / count,
    longTasks: during.length,
    longestLongTaskMs: Math.max(0, ...during.map((task) => task.duration)),
  }
}

/**
 * `record()` (`mode: 'record'`) or `JSON.stringify` (`mode: 'stringify'`) of the same payloads,
 * in slices of `slice` per task, in the npm build (this page's own bundle) or the script-tag
 * file (dist/tapedeck.js, loaded by a <script> tag). For the recorder the worker's answers handled
 * on the page count too; it starts (worker up, session stored) before anything is timed. With
 * `hold`, it holds right before and after the burst (bench/run.mjs reads the main thread's CPU time there).
 */
export async function recordVsStringify({ build, mode, count, slice, seed, dbName, hold }: { build: 'npm' | 'script'; mode: 'record' | 'stringify'; count: number; slice: number; seed: number; dbName: string; hold?: boolean }) {
  const pool = makeChatEvents(Math.min(count, POOL), seed)
  const recorder = mode === 'stringify' ? undefined : build === 'script' ? (await scriptTag()).init({ dbName, autoCapture: false }) : createRecorder({ dbName })
  if (recorder) {
    await recorder.start({ feature: 'bench' })
    await recorder.flush()
  }
  await timeout(50)
  await holdIfAsked(hold)
  const longTasks = watchLongTasks()
  const times = recorder
    ? await runSlices(count, slice, (from, to) => {
        for (let i = from; i < to; i++) recorder.record(TYPE, pool[i % POOL]!)
      }, nextTask, () => recorder.flush())
    : await runSlices(count, slice, (from, to) => {
        for (let i = from; i < to; i++) sink = JSON.stringify(pool[i % POOL])
      }, nextTask)
  const during = (await longTasks()).filter((task) => task.startTime + task.duration > times.startedAt && task.startTime < times.endedAt)
  await holdIfAsked(hold)
  if (recorder) {
    checkDurable(recorder, count + 1)
    if (build === 'script') await (await scriptTag()).destroy()
    else await recorder.close()
    await deleteDatabase(dbName)
  }
  return {
    perEventUs: ((times.sliceMs + times.messageMs) * 1000) / count,
    longestLongTaskMs: Math.max(0, ...during.map((task) => task.duration)),
    longestSliceMs: times.longestSliceMs,
  }
}

void sink
