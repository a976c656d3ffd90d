/**
 * Types for pages that load the script-tag file (`tapedeck.js`) and are written in TypeScript:
 * `window.Tapedeck` (and the global `Tapedeck`). Types only, nothing runs:
 *
 * ```ts
 * /// <reference types="@tapedeck/widget/global" />
 * const recorder = Tapedeck.init({ endpoint: 'https://rec.example.com' })
 * ```
 */
import type { defineRecorderElement } from './element/defineRecorderElement'
import type { destroy, init } from './script/init'
import type { recordPeerConnection, recordRealtime } from './script/recordRealtime'

/** What the script-tag file puts on `window` (src/script/main.ts). */
export interface TapedeckGlobal {
  init: typeof init
  destroy: typeof destroy
  defineRecorderElement: typeof defineRecorderElement
  /** Records an OpenAI Realtime session (WebRTC or WebSocket); loads tapedeck-realtime.js on first use (docs/realtime.md). */
  recordRealtime: typeof recordRealtime
  /** Records any WebRTC call; loads tapedeck-realtime.js on first use (docs/realtime.md). */
  recordPeerConnection: typeof recordPeerConnection
  /** The package version. */
  VERSION: string
}

declare global {
  interface Window {
    Tapedeck: TapedeckGlobal
  }
  var Tapedeck: TapedeckGlobal
}
