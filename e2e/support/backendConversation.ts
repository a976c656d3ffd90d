import { createHandler, createMemoryStore, serve } from '@tapedeck/server'
import { BASE_URL, expect, test, type Profile } from '../fixtures'
import { startMockLlm, type MockLlm } from './mockLlm'
import { startNodeBackend, type NodeBackend } from './nodeBackend'

export interface WireEvent {
  sessionId: string
  seq: number
  ts: number
  type: string
  data: Record<string, any>
}

export interface BackendConversation {
  sessionId: string
  backendAnswer: string
  /** The page's session and its linked streams, as the server holds them once the session ended. */
  events: WireEvent[]
  serverUrl: string
}

/**
 * A page talking to the app's own Node backend (@tapedeck/node, Express, the real OpenAI SDK against
 * the mock LLM), both recording to one Tapedeck server: a fresh set of the three for each test of
 * the file that calls this.
 */
export function backendStack(): { converse(profile: Profile, path: string): Promise<BackendConversation> } {
  let llm: MockLlm
  let server: { url: string; close(): Promise<void> }
  let backend: NodeBackend
  test.beforeEach(async () => {
    llm = await startMockLlm()
    server = await serve({ handler: createHandler({ store: createMemoryStore(), cors: { origins: '*' }, log: false }), port: 0 })
    backend = await startNodeBackend({ endpoint: server.url, llm: llm.url, pageOrigin: BASE_URL })
  })
  test.afterEach(async () => {
    await backend.close()
    await server.close()
    await llm.close()
  })
  return {
    /** Opens `path`, runs its `converse()`, and waits until the server holds the ended session with its streams. */
    async converse(profile, path) {
      const page = await profile.open(path)
      const { sessionId, backendAnswer } = await page.evaluate(
        (conversation) => (window as unknown as { converse(c: object): Promise<{ sessionId: string; backendAnswer: string }> }).converse(conversation),
        { endpoint: server.url, llm: llm.url, backend: backend.url },
      )
      expect(backendAnswer).not.toBe('')
      await backend.tapedeck.flush()
      const read = async (): Promise<WireEvent[]> => {
        const response = await fetch(`${server.url}/v1/sessions/${sessionId}/events?streams=linked`)
        return response.ok ? (await response.text()).trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as WireEvent) : []
      }
      await expect.poll(async () => (await read()).some((e) => e.sessionId === sessionId && e.type === 'session.ended'), { timeout: 20_000 }).toBe(true)
      return { sessionId, backendAnswer, events: await read(), serverUrl: server.url }
    },
  }
}
