/**
 * The capture figure's browser side (docs/capture.md, "Cost"): the main-thread time of an app's
 * call that `autoCapture` intercepts and records, against the same call without the recorder, in
 * the same tab. Console: the page's own `console.warn`, and a console whose `warn` does nothing
 * (so the intercept's own time is not lost in the console's). Network: a `fetch` that answers 404
 * at once (a stub window, so the network's own time does not drown the intercept's); every call is
 * recorded (`perMinute` lifted), so this is the cost of a recorded one, not of a rate-limited one.
 */
import { createRecorder, type Recorder } from '@tapedeck/core'
import { deleteDatabase } from './database'

/** The page's console.warn before any recorder wrapped it. */
const pageWarn = console.warn
let recorder: Recorder | undefined
let dbName = ''
const answer = () => Promise.resolve(new Response(null, { status: 404, statusText: 'Not Found' }))
const stub = { fetch: answer, location: window.location } as unknown as Window
const quiet = () => undefined
const stubConsole = { warn: quiet } as unknown as Console

type Kind = 'console' | 'console-stub' | 'network'

export async function captureSetup({ kind, db }: { kind: Kind; db: string }) {
  dbName = db
  stubConsole.warn = quiet
  const lifted = { perMinute: Number.POSITIVE_INFINITY }
  const watched = { ...lifted, levels: ['warn' as const], ...(kind === 'console-stub' && { console: stubConsole }) }
  recorder = createRecorder({ dbName, autoCapture: kind === 'network' ? { network: { ...lifted, window: stub } } : { console: watched } })
  await recorder.start({ feature: 'bench-capture' })
  await recorder.flush()
}

/** `count` calls of the app's own kind; `mode` says whether the recorder watches them. Per call, µs. */
export async function captureRun({ kind, mode, count }: { kind: Kind; mode: 'plain' | 'captured'; count: number }) {
  if (!recorder) throw new Error('captureSetup() first')
  // Plain: the call as it was before the recorder wrapped it.
  const target = kind === 'console-stub' ? stubConsole : console
  const warn = mode === 'captured' ? target.warn : kind === 'console-stub' ? quiet : pageWarn
  const call = mode === 'captured' ? stub.fetch : answer
  const started = performance.now()
  if (kind !== 'network') {
    for (let i = 0; i < count; i++) warn.call(target, 'slow answer', i)
  } else {
    const pending: Array<Promise<Response>> = []
    for (let i = 0; i < count; i++) pending.push(call.call(stub, `https://api.example.com/v1/orders/${i}?token=t`))
    await Promise.all(pending)
    // The answers' handlers (where a failure is recorded) run in the microtasks after.
    await new Promise((resolve) => setTimeout(resolve, 0))
  }
  const ms = performance.now() - started
  await recorder.flush()
  const accepted = recorder.getSnapshot().counts.accepted
  return { usPerCall: (ms * 1000) / count, accepted }
}

export async function captureTeardown() {
  await recorder?.close()
  recorder = undefined
  await deleteDatabase(dbName)
}
