import { TapedeckError, createRecorder, type AutoCaptureSet, type Recorder, type RecorderOptions } from '@tapedeck/core'
import { autoCapture, type AutoCaptureOptions, type InstrumentFetchOptions } from '@tapedeck/core/instrument'
import { defineRecorderElement } from '../element/defineRecorderElement'
import type { TapedeckRecorderElement, WidgetPosition } from '../element/TapedeckRecorderElement'
import { bundleWorker, isScriptBuild } from './bundleWorker'

/**
 * What `init` records on its own. Clicks, navigation, forms and errors are on by default; `llm`
 * and the recorder's own kinds (`console`, `network`, `socket`, `context`, `vitals`:
 * docs/capture.md) are off.
 */
export interface AutoCaptureInit extends Pick<AutoCaptureSet, 'console' | 'network' | 'socket' | 'context' | 'vitals'> {
  /** `true` (default): clicks on buttons, links and `[data-tapedeck]` elements; `'marked'`: only the marked ones. */
  clicks?: AutoCaptureOptions['clicks']
  navigation?: AutoCaptureOptions['navigation']
  forms?: AutoCaptureOptions['forms']
  errors?: boolean
  /** Records calls to LLM APIs made with `fetch` (`instrumentFetch`). Default off. */
  llm?: boolean | InstrumentFetchOptions
}

export interface InitOptions extends RecorderOptions {
  /** `false` records nothing on its own. Default: clicks, navigation, forms and errors. */
  autoCapture?: boolean | AutoCaptureInit
  /** Shows `<tapedeck-recorder>`: adopts the first one in the page, or adds one. Default off. */
  widget?: boolean | { position?: WidgetPosition }
}

const POSITIONS: readonly string[] = ['bottom-right', 'bottom-left', 'top-right', 'top-left']

interface Instance {
  recorder: Recorder
  undo: Array<() => void>
}

let current: Instance | undefined

/**
 * Creates the page's recorder, with auto capture and the widget as asked; called again, returns
 * the same recorder (the first call's options stay). Throws `invalid_options` for options it
 * cannot honour.
 */
export function init(options: InitOptions = {}): Recorder {
  if (current) return current.recorder
  const { autoCapture: capture = true, widget, ...recorderOptions } = options
  if (isScriptBuild()) {
    // Left out of the one file to keep it small (see vite.config.ts): refused here, not half-working later.
    if (recorderOptions.transport === 'otlp') {
      throw new TapedeckError('invalid_options', "transport: 'otlp' is not in the script-tag build: use @tapedeck/core from npm.")
    }
    if (recorderOptions.compressionLevel !== undefined) {
      throw new TapedeckError('invalid_options', "compressionLevel is not in the script-tag build (it uses CompressionStream): leave it out.")
    }
  }
  const position = typeof widget === 'object' ? widget.position : undefined
  if (position !== undefined && !POSITIONS.includes(position)) {
    throw new TapedeckError('invalid_options', `widget.position must be one of ${POSITIONS.join(', ')}, got ${JSON.stringify(position)}.`)
  }
  // The worker may start from a blob: URL, against which a relative endpoint ('/tapedeck') cannot
  // be resolved: resolve it against the page, as the page author meant it.
  if (typeof recorderOptions.endpoint === 'string' && typeof document !== 'undefined') {
    try {
      recorderOptions.endpoint = new URL(recorderOptions.endpoint, document.baseURI).href
    } catch {
      // Not a URL at all: createRecorder says so.
    }
  }
  const worker = recorderOptions.workerUrl === undefined && recorderOptions.createWorker === undefined ? bundleWorker() : undefined
  // The recorder's own kinds go to createRecorder; the actions to autoCapture(); llm to instrumentFetch.
  const { llm, console: logs, network, socket, context, vitals, ...actions } = capture === true ? {} : capture || {}
  const watched = { console: logs, network, socket, context, vitals }
  const recorder = createRecorder({
    ...recorderOptions,
    ...(worker && { createWorker: worker }),
    ...(Object.values(watched).some(Boolean) && { autoCapture: watched }),
  })
  const undo: Array<() => void> = []
  if (capture) undo.push(autoCapture(recorder, { clicks: true, ...actions }))
  if (llm) undo.push(captureLlm(recorder, llm === true ? {} : llm))
  if (widget) undo.push(showWidget(recorder, position))
  // Start now: recover what a closed tab left open, upload what earlier pages stored.
  recorder.mount()
  current = { recorder, undo }
  return recorder
}

/**
 * LLM capture is loaded when asked for (in the script-tag build: tapedeck-llm.js, from beside
 * tapedeck.js): calls made before it has loaded are not recorded. Undone before it loaded, it
 * never wraps `fetch`.
 */
function captureLlm(recorder: Recorder, options: InstrumentFetchOptions): () => void {
  let undo: (() => void) | undefined
  let undone = false
  import('@tapedeck/core/instrument').then(
    ({ instrumentFetch }) => {
      if (!undone) undo = instrumentFetch(recorder, options)
    },
    (error: unknown) => console.error('Tapedeck: LLM capture could not load; LLM calls are not recorded.', error),
  )
  return () => {
    undone = true
    undo?.()
  }
}

/** Stops auto capture, removes the widget and closes the recorder; the next `init` starts afresh. */
export async function destroy(): Promise<void> {
  const instance = current
  current = undefined
  if (!instance) return
  for (const undo of instance.undo) undo()
  await instance.recorder.close()
}

function showWidget(recorder: Recorder, position: WidgetPosition | undefined): () => void {
  defineRecorderElement()
  let element: TapedeckRecorderElement | undefined
  let added = false
  const show = () => {
    element = [...document.querySelectorAll('tapedeck-recorder')].find((candidate) => !candidate.recorder)
    if (!element) {
      element = document.body.appendChild(document.createElement('tapedeck-recorder'))
      added = true
    }
    if (position) element.setAttribute('position', position)
    element.recorder = recorder
  }
  // A script in <head> runs before <body> exists, and before the page's own <tapedeck-recorder>.
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', show, { once: true })
  else show()
  return () => {
    document.removeEventListener('DOMContentLoaded', show)
    if (!element) return
    element.recorder = null
    if (added) element.remove()
  }
}
