import type { RecorderStatus } from '../client/types'
import { toErrorInfo, type ErrorInfo } from '../errors'
import { autoCapture } from '../instrument/autoCapture'
import type { RecorderLike } from '../instrument/safeRecorder'
import { CaptureGate, type GateHost } from './CaptureGate'
import { captureConsole } from './captureConsole'
import { captureNetwork } from './captureNetwork'
import { captureSocket } from './captureSocket'
import { checkCaptureOptions, type AutoCaptureSet, type CaptureOptions } from './captureOptions'
import { captureWebVitals } from './captureWebVitals'
import { propagateTrace } from './propagateTrace'
import type { RecorderOptions } from '../client/types'

/** What the capture options need of the recorder. */
export interface StartHost extends GateHost {
  publish(patch: Partial<RecorderStatus>): void
  report(error: ErrorInfo): void
  recorder: RecorderLike
  /** The recorder's backend: its own uploads are never captured or given trace headers. */
  endpoint?: string
}

/** The capture options at work: the gate every event passes, and the stop of what they watch. */
export interface StartedCapture {
  gate: Pick<CaptureGate, 'enqueue' | 'keep'>
  /** Stops what the capture watches (Web Vitals report first) and forgets an untriggered window. */
  stop(): void
}

/**
 * Loaded on first use (captureLoader): makes the gate and starts what `autoCapture` and
 * `propagate` ask for. The recorder's own uploads (`endpoint`) are never captured or given headers.
 * Options that cannot work are reported (`invalid_options`) and the recorder records as without them.
 * `stop()` (the recorder closes) stops the watchers; the next session the recorder starts (after
 * `retain()` reopened it) starts them again. In on-error mode the window is also kept on disk
 * (`WindowStore`), unless `encryption` is on (it would be stored in the clear) or IndexedDB fails.
 */
export async function startCapture(options: CaptureOptions & Pick<RecorderOptions, 'dbName' | 'redact' | 'capture' | 'encryption'>, host: StartHost): Promise<StartedCapture> {
  try {
    checkCaptureOptions(options)
  } catch (error) {
    host.report(toErrorInfo(error, 'invalid_options'))
    return { gate: { enqueue: host.push, keep() {} }, stop() {} }
  }
  const disk = options.mode === 'on-error' && !options.encryption ? await openWindow(options, host) : undefined
  const gate = new CaptureGate(options, host, disk?.store, disk?.restored)
  let stops: Array<() => void> | undefined = startWatchers(options, host)
  return {
    gate: {
      enqueue(sessionId, type, data, checkpoint, ts, at) {
        if (!stops && type === 'session.started') stops = startWatchers(options, host)
        gate.enqueue(sessionId, type, data, checkpoint, ts, at)
      },
      keep: (detail) => gate.keep(detail),
    },
    stop() {
      for (const stop of stops?.splice(0).reverse() ?? []) {
        try {
          stop()
        } catch {
          // stopping never throws into the page
        }
      }
      stops = undefined
      gate.close()
      void disk?.store.write()
    },
  }
}

/** What `autoCapture` and `propagate` watch, started; returns their stops. */
function startWatchers(options: CaptureOptions, host: StartHost): Array<() => void> {
  const auto: AutoCaptureSet = options.autoCapture === true ? { console: true, network: true, socket: true, context: true, vitals: true } : options.autoCapture || {}
  const { recorder, endpoint } = host
  const stops: Array<() => void> = []
  if (auto.console) stops.push(captureConsole(recorder, auto.console === true ? {} : auto.console))
  const own = (options: { ignore?: string[] }) => ({ ...options, ignore: [...(options.ignore ?? []), ...(endpoint ? [endpoint] : [])] })
  if (auto.network) stops.push(captureNetwork(recorder, own(auto.network === true ? {} : auto.network)))
  if (auto.socket) stops.push(captureSocket(recorder, own(auto.socket === true ? {} : auto.socket)))
  if (auto.vitals) stops.push(captureWebVitals(recorder))
  const { clicks = false, navigation = false, forms = false, errors = false } = auto
  if (options.autoCapture === true) stops.push(autoCapture(recorder))
  else if (clicks || navigation || forms || errors) stops.push(autoCapture(recorder, { clicks, navigation, forms, errors }))
  if (options.propagate) stops.push(propagateTrace(recorder, options.propagate, endpoint))
  return stops
}

/** The on-error window's store and what earlier pages left in it; undefined where it cannot open (memory only). */
async function openWindow(options: Pick<RecorderOptions, 'dbName' | 'redact' | 'capture' | 'bufferMs'>, host: StartHost) {
  try {
    const { openWindowStore } = await import('./openWindowStore')
    return await openWindowStore(options, host)
  } catch {
    return undefined
  }
}
