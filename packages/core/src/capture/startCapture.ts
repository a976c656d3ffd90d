import { autoCapture } from '../instrument/autoCapture'
import type { RecorderLike } from '../instrument/safeRecorder'
import { CaptureGate } from './CaptureGate'
import { captureConsole } from './captureConsole'
import { captureNetwork } from './captureNetwork'
import { checkCaptureOptions, type AutoCaptureSet, type CaptureOptions } from './captureOptions'
import { captureWebVitals } from './captureWebVitals'
import type { CaptureHost } from './productionCapture'
import { propagateTrace } from './propagateTrace'

/** The capture options at work: the gate every event passes, and the stop of what they watch. */
export interface StartedCapture {
  gate: Pick<CaptureGate, 'enqueue' | 'keep' | 'close'>
  stop(): void
}

/**
 * Loaded on first use (productionCapture): makes the gate and starts what `autoCapture` and
 * `propagate` ask for. The recorder's own uploads (`endpoint`) are never captured or given headers.
 * Wrong options throw `invalid_options` (`start()` rejects with it).
 */
export function startCapture(
  options: CaptureOptions,
  host: Omit<CaptureHost, 'push'> & { push: CaptureGate['enqueue']; now(): number; recorder: RecorderLike },
): StartedCapture {
  checkCaptureOptions(options)
  const gate = new CaptureGate(options, host)
  const auto: AutoCaptureSet = options.autoCapture === true ? { console: true, network: true, context: true, vitals: true } : options.autoCapture || {}
  const { recorder, endpoint } = host
  const stops: Array<() => void> = []
  if (auto.console) stops.push(captureConsole(recorder, auto.console === true ? {} : auto.console))
  if (auto.network) {
    const network = auto.network === true ? {} : auto.network
    stops.push(captureNetwork(recorder, { ...network, ignore: [...(network.ignore ?? []), ...(endpoint ? [endpoint] : [])] }))
  }
  if (auto.vitals) stops.push(captureWebVitals(recorder))
  const { clicks = false, navigation = false, forms = false, errors = false } = auto
  if (options.autoCapture === true) stops.push(autoCapture(recorder))
  else if (clicks || navigation || forms || errors) stops.push(autoCapture(recorder, { clicks, navigation, forms, errors }))
  if (options.propagate) stops.push(propagateTrace(recorder, options.propagate, endpoint))
  return {
    gate,
    stop() {
      for (const stop of stops.splice(0).reverse()) {
        try {
          stop()
        } catch {
          // stopping never throws into the page
        }
      }
    },
  }
}
