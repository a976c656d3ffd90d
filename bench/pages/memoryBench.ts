/**
 * The memory figure's browser side: a recorder started and warmed up, then bursts of events made
 * on the fly, each flushed, while bench/run.mjs reads the heap between them.
 */
import type { Recorder } from '@tapedeck/core'
import { chatEvents, type ChatMessage } from './chatEvents'
import { timeout } from './meter'
import { checkDurable, closeRecorder, startRecorder, TYPE } from './benchRecorder'

let memoryRecorder: { recorder: Recorder; next: (i: number) => ChatMessage; recorded: number; dbName: string } | undefined

/** A recorder, started and warmed up (code compiled, worker running) before the heap is measured. */
export async function memorySetup({ seed, dbName, warmup, slice }: { seed: number; dbName: string; warmup: number; slice: number }) {
  const { recorder } = await startRecorder({ dbName })
  memoryRecorder = { recorder, next: chatEvents(seed), recorded: 0, dbName }
  await memoryBurst({ count: warmup, slice })
}

/** Records `count` events made on the fly, `slice` per task with `setTimeout(0)` between, then flushes. */
export async function memoryBurst({ count, slice }: { count: number; slice: number }) {
  const state = memoryRecorder
  if (!state) throw new Error('memorySetup() first')
  const started = performance.now()
  for (let from = 0; from < count; from += slice) {
    const to = Math.min(count, from + slice)
    for (let i = from; i < to; i++) state.recorder.record(TYPE, state.next(state.recorded + i))
    if (to < count) await timeout(0)
  }
  state.recorded += count
  await state.recorder.flush()
  checkDurable(state.recorder, state.recorded + 1)
  return { ms: performance.now() - started }
}

export async function memoryTeardown() {
  const state = memoryRecorder
  memoryRecorder = undefined
  if (state) await closeRecorder(state.recorder, state.dbName)
}
