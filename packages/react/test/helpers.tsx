/** Helpers for the React tests that run in a real browser. */
import type { ReactNode } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { cleanup, waitFor as rtlWaitFor } from '@testing-library/react'
import { createRecorder, type Recorder, type RecorderOptions } from '@tapedeck/core'
import { useRecorder } from '../src/useRecorder'

export function uniqueDb(): string {
  return `react-test-${crypto.randomUUID()}`
}

const seen = new Set<Recorder>()

/** Puts the provider's recorder into `into.current` (and closes it after the test). */
export function Capture({ into }: { into: { current: Recorder | null } }) {
  const recorder = useRecorder()
  into.current = recorder
  seen.add(recorder)
  return null
}

/** A recorder made outside React, closed after the test. */
export function outsideRecorder(options: RecorderOptions): Recorder {
  const recorder = createRecorder(options)
  seen.add(recorder)
  return recorder
}

/** Unmounts what the test rendered and closes every recorder it used. */
export async function cleanupAll(): Promise<void> {
  cleanup()
  await new Promise((resolve) => setTimeout(resolve, 0))
  await Promise.all([...seen].map((recorder) => recorder.close().catch(() => undefined)))
  seen.clear()
}

const roots = new Set<{ root: Root; container: HTMLElement }>()

/** Renders into a new container with createRoot, as an app does (no act()); `unmountRoots` takes it away. */
export function mountRoot(element: ReactNode): HTMLElement {
  const container = document.body.appendChild(document.createElement('div'))
  const root = createRoot(container)
  roots.add({ root, container })
  root.render(element)
  return container
}

/** Unmounts and removes what `mountRoot` rendered (call it after each test). */
export function unmountRoots(): void {
  for (const { root, container } of roots) {
    root.unmount()
    container.remove()
  }
  roots.clear()
}

/** RTL's waitFor with a timeout for IndexedDB and worker round trips. */
export function waitFor<T>(check: () => T | Promise<T>, timeout = 5000): Promise<T> {
  return rtlWaitFor(check, { timeout, interval: 20 })
}

/** Counts the workers made while it is installed (each recorder makes one). */
export function countWorkers(): { readonly count: number; restore(): void } {
  const Original = globalThis.Worker
  let count = 0
  globalThis.Worker = class extends Original {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options)
      count++
    }
  }
  return {
    get count() {
      return count
    },
    restore: () => {
      globalThis.Worker = Original
    },
  }
}

/** The types of a session's stored events, in seq order. */
export async function eventTypes(recorder: Recorder, sessionId: string): Promise<string[]> {
  return (await recorder.sessions.events(sessionId)).map((event) => event.type)
}
