/**
 * Server rendering (Next.js, Remix, renderToString) on Node: importing the package and rendering a
 * tree with the provider and every hook must not touch a browser global, and must give the
 * snapshot of a recorder that has not started. A `.test.ts` on purpose (the unit project runs on
 * Node and takes `.ts`), hence `createElement` rather than JSX.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { createElement as h } from 'react'
import { renderToString } from 'react-dom/server'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Recorder } from '@tapedeck/core'
import { loadRecording } from '@tapedeck/player'

const BROWSER_GLOBALS = [
  'window',
  'document',
  'navigator',
  'location',
  'indexedDB',
  'IDBKeyRange',
  'Worker',
  'localStorage',
  'sessionStorage',
  'BroadcastChannel',
] as const
const touched = new Set<string>()
const originals = new Map<string, PropertyDescriptor | undefined>()

beforeAll(() => {
  // Every read (`typeof window` included) of a browser global is noted, from before anything of
  // ours (or of core) is imported. (react-query itself reads `typeof window` when it loads: it is
  // imported above, before this.)
  for (const name of BROWSER_GLOBALS) {
    const original = Object.getOwnPropertyDescriptor(globalThis, name)
    originals.set(name, original)
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() {
        touched.add(name)
        return original && 'value' in original ? original.value : original?.get?.call(globalThis)
      },
      set() {
        touched.add(name)
      },
    })
  }
})

afterAll(() => {
  for (const [name, original] of originals) {
    if (original) Object.defineProperty(globalThis, name, original)
    else delete (globalThis as Record<string, unknown>)[name]
  }
})

async function load() {
  const [tapedeck, query] = await Promise.all([import('./index'), import('./query/index')])
  return { tapedeck, query }
}

test('imports and renderToString of the provider and every hook touch no browser global and give the not-started snapshot', async () => {
  const { tapedeck, query } = await load()
  const seen: unknown[] = []

  const replay = await loadRecording([
    { v: 1, id: 'e0', sessionId: 'conv-ssr', seq: 0, ts: 1, t: 0, tab: 't', type: 'session.started', data: {} },
    { v: 1, id: 'e1', sessionId: 'conv-ssr', seq: 1, ts: 2, t: 5, tab: 't', type: 'message.created', data: { messageId: 'm1', role: 'user', content: 'hi' } },
  ])

  function App() {
    const recording = tapedeck.useSessionRecording({ userId: 'u_ssr', feature: 'chat', autoStart: true, sessionId: 'conv-ssr' })
    const audio = tapedeck.useAudioRecorder()
    const consent = tapedeck.useConsent()
    const status = tapedeck.useRecorderStatus()
    const ready = tapedeck.useRecorderStatus((s) => s.ready)
    const sync = tapedeck.useSyncStatus()
    const local = query.useRecordings({ userId: 'u_ssr' })
    const remote = query.useRecordings({}, { source: { server: 'http://127.0.0.1:1' } })
    const one = query.useRecording('conv-ssr')
    const events = query.useRecordingEvents('conv-ssr')
    query.useSyncNow()
    query.useDeleteSession()
    query.useExportSession({ source: { server: 'http://127.0.0.1:1' } })
    seen.push(status, recording.start)
    return h(
      'div',
      null,
      h(
        'p',
        null,
        `state=${status.state} ready=${String(ready)} engine=${String(status.engine)} session=${String(recording.sessionId)} ` +
          `status=${recording.status} sync=${String(sync)} local=${local.status} remote=${remote.status} one=${one.status} events=${events.status} ` +
          `audio=${audio.state} consent=${consent.state}`,
      ),
      h(tapedeck.RecorderWidget, { position: 'bottom-left' }),
      h(tapedeck.ReplayViewer, { recording: replay }),
    )
  }

  const client = new QueryClient()
  const html = renderToString(
    h(QueryClientProvider, { client }, h(tapedeck.RecorderProvider, { options: { dbName: 'ssr' } }, h(App))),
  )

  expect(html).toBe(
    '<div><p>state=idle ready=false engine=null session=null status=idle sync=null local=pending remote=pending one=pending events=pending ' +
      'audio=off consent=not-required</p>' +
      // The element is defined in the browser only; the viewer's heavy render waits for the browser too.
      '<tapedeck-recorder position="bottom-left"></tapedeck-recorder>' +
      '<div class="tapedeck-viewer" aria-busy="true"><p class="tapedeck-muted">Preparing 2 events…</p></div></div>',
  )
  expect(seen[0]).toBe(tapedeck.INITIAL_STATUS)
  expect([...touched]).toEqual([])
  // Nothing was fetched either: no query ran on the server.
  expect(client.getQueryCache().getAll().every((q) => q.state.fetchStatus === 'idle' && q.state.dataUpdatedAt === 0)).toBe(true)
})

test('a recorder made outside is not started by rendering either, and hooks outside a provider say what is missing', async () => {
  const { tapedeck } = await load()
  const calls: string[] = []
  const recorder = new Proxy({} as Recorder, {
    get(_, name) {
      calls.push(String(name))
      if (name === 'subscribe') return () => () => undefined
      if (name === 'getSnapshot') return () => ({ ...tapedeck.INITIAL_STATUS, state: 'recording' })
      return undefined
    },
  })
  function Status() {
    return h('span', null, tapedeck.useRecorderStatus((s) => s.state))
  }
  // The server snapshot, not the recorder's: hydration must match what the server sent.
  expect(renderToString(h(tapedeck.RecorderProvider, { recorder }, h(Status)))).toBe('<span>idle</span>')
  expect(calls).toEqual([])

  expect(() => renderToString(h(Status))).toThrow(/need a <RecorderProvider> above this component/)
  expect([...touched]).toEqual([])
})
