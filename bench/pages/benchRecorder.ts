/**
 * What the bench page's recorder figures share: the event type they record, starting a recorder
 * (worker up, session stored) before anything is timed, checking that every event became durable,
 * closing it with its database, and the hold `bench/run.mjs` uses to read threads around a burst.
 */
import { createRecorder, type Recorder, type RecorderOptions } from '@tapedeck/core'
import type { ChatMessage } from './chatEvents'
import { deleteDatabase } from './database'

export const TYPE = 'message.created'
/** Distinct events the main-thread figure cycles through. */
export const POOL = 2000

/** Throws unless every event went through the worker into IndexedDB. */
export function checkDurable(recorder: Recorder, expected: number): void {
  const { engine, storage, counts, error } = recorder.getSnapshot()
  if (engine !== 'worker' || storage !== 'indexeddb') {
    throw new Error(`the recorder ran with engine ${engine} and storage ${storage}, not in a worker on IndexedDB (${error?.message ?? 'no error'})`)
  }
  if (counts.durable !== expected || counts.dropped !== 0) {
    throw new Error(`expected ${expected} durable events, got ${counts.durable} durable and ${counts.dropped} dropped (${error?.message ?? 'no error'})`)
  }
}

export async function startRecorder(options: RecorderOptions): Promise<{ recorder: Recorder; sessionId: string }> {
  const recorder = createRecorder(options)
  const { id } = await recorder.start({ feature: 'bench' })
  // The worker is up and the session stored: from here on only recording is timed.
  await recorder.flush()
  return { recorder, sessionId: id }
}

export async function closeRecorder(recorder: Recorder, dbName: string): Promise<void> {
  await recorder.close()
  await deleteDatabase(dbName)
}

export function recordSlice(recorder: Recorder, events: ChatMessage[]) {
  return (from: number, to: number) => {
    for (let i = from; i < to; i++) recorder.record(TYPE, events[i]!)
  }
}

/**
 * With `hold: true` a figure stops right before its burst and right after it until `release()`,
 * and says so by calling `window.benchHeld()` (a binding `bench/run.mjs` exposes: no polling
 * during the burst), which then starts and stops profilers or reads thread times.
 */
let held: (() => void) | undefined
export function holdIfAsked(hold: boolean | undefined): Promise<void> {
  if (!hold) return Promise.resolve()
  return new Promise((resolve) => {
    held = resolve
    void (window as { benchHeld?: () => Promise<void> }).benchHeld?.()
  })
}

/** Lets a held figure go on. */
export function release(): void {
  const resume = held
  held = undefined
  resume?.()
}
