import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { createRoot, type Root } from 'react-dom/client'
import { afterEach, expect, test, vi } from 'vitest'
import { createStudioClient } from '../api/studioClient'
import { StudioClientContext } from '../api/useStudioClient'
import { SessionPage } from './SessionPage'

const ID = 's_long'
const START = Date.UTC(2026, 10, 2)
/** A session of 3,000 events: its start, then messages every 100 ms. */
const events = Array.from({ length: 3000 }, (_, seq) => ({
  v: 1,
  id: `e${seq}`,
  sessionId: ID,
  seq,
  ts: START + seq * 100,
  t: seq * 100,
  tab: 't1',
  ...(seq === 0
    ? { type: 'session.started', data: { userId: 'u1', feature: 'chat' } }
    : { type: 'message.created', data: { messageId: `m${seq}`, role: seq % 2 ? 'user' : 'assistant', content: `message ${seq}` } }),
}))
const line = (event: unknown) => `${JSON.stringify(event)}\n`

let root: Root | undefined
afterEach(() => {
  root?.unmount()
  root = undefined
  vi.unstubAllGlobals()
})

/** Renders the Session page of `id`, signed in with a read key. */
function renderSession(id: string): HTMLElement {
  const container = document.body.appendChild(document.createElement('div'))
  root = createRoot(container)
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  root.render(
    <QueryClientProvider client={queryClient}>
      <StudioClientContext.Provider value={createStudioClient({ kind: 'key', token: 'read-1', access: 'read', author: 'Ada' }, 'http://tapedeck.test')}>
        <SessionPage sessionId={id} params={new URLSearchParams()} />
      </StudioClientContext.Provider>
    </QueryClientProvider>,
  )
  return container
}

test("a voice session shows its speech figures (the viewer's Voice panel) and links the streams linked to it", async () => {
  const voice = [
    { type: 'session.started', data: { userId: 'u1', feature: 'voice' } },
    { type: 'transcript.segment', data: { speaker: 'user', text: 'where is my order', startT: 0, endT: 1500, final: true } },
    { type: 'transcript.segment', data: { speaker: 'agent', text: 'it left the warehouse this morning', startT: 2000, endT: 4000, final: true } },
    { type: 'session.ended', data: { lastSeq: 3 } },
  ].map((e, seq) => ({ v: 1, id: `v${seq}`, sessionId: 's_voice', seq, ts: START + seq * 1000, t: seq * 1000, tab: 't1', ...e }))
  const seen: Array<string | null> = []
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
    seen.push(new Headers(init?.headers).get('Authorization'))
    if (url.endsWith('/annotations')) return Response.json({ annotations: [] })
    if (url.includes('/events')) return new Response(voice.map(line).join(''))
    return Response.json({ id: 's_voice', streams: ['s_voice.backend'] })
  })
  const container = renderSession('s_voice')
  const panel = await vi.waitFor(() => {
    const found = container.querySelector<HTMLElement>('[aria-label="Voice"]')
    expect(found).not.toBeNull()
    return found!
  }, { timeout: 10_000 })
  expect(panel.textContent).toMatch(/user talk/)
  expect(panel.textContent).toMatch(/agent talk/)
  const link = await vi.waitFor(() => {
    const found = container.querySelector<HTMLAnchorElement>('a[href="#/sessions/s_voice.backend"]')
    expect(found).not.toBeNull()
    return found!
  })
  expect(link.textContent).toBe('s_voice.backend')
  expect(new Set(seen)).toEqual(new Set(['Bearer read-1']))
})

/** The server: the events answer sends its first 1,000 lines, then waits for `release`. */
function stubServer() {
  let release!: () => void
  const held = new Promise<void>((resolve) => (release = resolve))
  vi.stubGlobal('fetch', async (url: string) => {
    if (url.endsWith('/annotations')) return Response.json({ annotations: [] })
    if (!url.includes('/events')) return Response.json({ id: ID })
    const encoder = new TextEncoder()
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(encoder.encode(events.slice(0, 1000).map(line).join('')))
        await held
        controller.enqueue(encoder.encode(events.slice(1000).map(line).join('')))
        controller.close()
      },
    })
    return new Response(body, { headers: { 'Content-Type': 'application/x-ndjson' } })
  })
  return { release }
}

test('a long session shows its first 1,000 events, and takes input, before the rest has loaded; then all of them', async () => {
  const server = stubServer()
  const container = renderSession(ID)
  const replay = () => container.querySelector<HTMLElement>('.replay')
  await vi.waitFor(() => expect(replay()?.dataset.complete).toBe('false'), { timeout: 10_000 })
  const slider = container.querySelector<HTMLElement>('[role="slider"][aria-label="Timeline"]')!
  expect(Number(slider.getAttribute('aria-valuemax'))).toBe(99_900)
  expect(container.querySelector('[role="status"]')?.textContent).toMatch(/first 1,000 events/)
  // Moved 5 s on while the rest loads: the whole recording's player carries on from there.
  const before = Number(slider.getAttribute('aria-valuenow'))
  document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }))
  await vi.waitFor(() => expect(Number(slider.getAttribute('aria-valuenow'))).toBe(before + 5000))
  server.release()
  await vi.waitFor(() => expect(replay()?.dataset.complete).toBe('true'), { timeout: 10_000 })
  const whole = container.querySelector<HTMLElement>('[role="slider"][aria-label="Timeline"]')!
  expect([Number(whole.getAttribute('aria-valuemax')), Number(whole.getAttribute('aria-valuenow'))]).toEqual([299_900, before + 5000])
})
