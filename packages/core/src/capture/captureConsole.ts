import type { ConsoleLoggedData } from '../events/catalogue'
import { createSafeRecorder, type RecorderLike } from '../instrument/safeRecorder'
import type { ConsoleCaptureOptions } from './captureOptions'
import { rateLimit } from './rateLimit'

export type { ConsoleCaptureOptions }

type Level = ConsoleLoggedData['level']

const MESSAGE_MAX = 2000
const STACK_MAX = 4000

/**
 * Records `console.error` / `console.warn` calls as `console.logged` (docs/capture.md). The app's
 * call reaches the console first and unchanged; recording never throws into it, and a message
 * logged while recording one (the recorder's own warnings) is not recorded. Returns the stop.
 */
export function captureConsole(recorder: RecorderLike, options: ConsoleCaptureOptions = {}): () => void {
  const target = options.console ?? console
  const safe = createSafeRecorder(recorder)
  const limit = rateLimit(options.perMinute ?? 30)
  let busy = false
  const restores = (options.levels ?? ['error', 'warn']).map((level) => {
    const original = target[level]
    let active = true
    const patched = function (this: Console, ...args: unknown[]) {
      original.apply(this, args)
      if (!active || busy) return
      busy = true
      try {
        if (!safe.active()) return
        const suppressed = limit.take()
        if (suppressed === false) return
        const data: ConsoleLoggedData = { level, message: describeArgs(args) }
        const error = args.find((arg): arg is Error => arg instanceof Error)
        if (typeof error?.stack === 'string') data.stack = error.stack.slice(0, STACK_MAX)
        if (suppressed > 0) data.suppressed = suppressed
        safe.record('console.logged', data)
      } catch (error) {
        safe.fail(error)
      } finally {
        busy = false
      }
    }
    target[level] = patched
    return () => {
      active = false
      if (target[level] === patched) target[level] = original
    }
  })
  return () => {
    for (const restore of restores) restore()
  }
}

/** The arguments as one line of text: strings as they are, errors by name and message, the rest as JSON. */
function describeArgs(args: unknown[]): string {
  let text = ''
  for (const arg of args) {
    if (text.length >= MESSAGE_MAX) break
    text += (text ? ' ' : '') + describeArg(arg)
  }
  return text.slice(0, MESSAGE_MAX)
}

function describeArg(arg: unknown): string {
  if (typeof arg === 'string') return arg
  if (arg instanceof Error) return `${arg.name}: ${arg.message}`
  if (typeof arg !== 'object' || arg === null) return String(arg)
  try {
    return (JSON.stringify(arg) ?? String(arg)).slice(0, MESSAGE_MAX)
  } catch {
    return Object.prototype.toString.call(arg)
  }
}
