/**
 * The script-tag build's entry (dist/tapedeck.js, dist/tapedeck.mjs). The built file is one
 * function; the page runs it and it exposes `Tapedeck`; the recorder's worker runs the same
 * function (bundleWorker.ts) and it serves the engine instead.
 */
import { VERSION } from '@tapedeck/core'
import { serveEngine } from '@tapedeck/core/engine'
import { defineRecorderElement } from '../element/defineRecorderElement'
import { destroy, init } from './init'
import { recordPeerConnection, recordRealtime } from './recordRealtime'
import { scriptOptions } from './scriptOptions'

if (typeof document === 'undefined') {
  serveEngine()
} else {
  defineRecorderElement()
  const script = document.currentScript
  if (script instanceof HTMLScriptElement) autoInit(script)
}

/** Sets Tapedeck up from the script tag's attributes. A bad attribute is reported, never thrown into the page. */
function autoInit(script: HTMLScriptElement): void {
  try {
    const config = scriptOptions({ ...script.dataset })
    if (!config) return
    const recorder = init(config.options)
    if (config.autoStart) recorder.start().catch((error: unknown) => console.error('Tapedeck: could not start recording.', error))
  } catch (error) {
    console.error('Tapedeck: the script tag could not set the recorder up.', error)
  }
}

export { init, destroy, defineRecorderElement, recordRealtime, recordPeerConnection, VERSION }
