import { expect } from 'vitest'
import type { WireEvent } from '../../server/src/store/SessionStore'
import { recordSession } from '../../server/src/testing/events'
import { postBatch, startServer, type TestServer } from '../../server/src/testing/startServer'

/** The browser session the tests' requests name in Tapedeck-Session. */
export const BROWSER = 's_browser_1'

export interface Backend extends TestServer {
  /** The browser session and its linked streams on one timeline (`?streams=linked`). */
  timeline(sessionId?: string): Promise<WireEvent[]>
  /** `GET /v1/sessions/{id}`. */
  detail(sessionId: string): Promise<Record<string, any>>
  /** The events of the first stream linked to the browser session. */
  stream(): Promise<WireEvent[]>
}

/** The reference server on 127.0.0.1, holding the browser's own session (3 events, still open) as its recorder would have sent it. */
export async function startBackend(): Promise<Backend> {
  const server = await startServer()
  expect((await postBatch(server.url, recordSession(BROWSER, 3, { ended: false }).events)).status).toBe(201)
  const timeline = async (sessionId = BROWSER) => {
    const response = await fetch(`${server.url}/v1/sessions/${sessionId}/events?streams=linked`)
    expect(response.status).toBe(200)
    return (await response.text()).trimEnd().split('\n').map((line) => JSON.parse(line) as WireEvent)
  }
  const detail = async (sessionId: string) => {
    const response = await fetch(`${server.url}/v1/sessions/${sessionId}`)
    expect(response.status).toBe(200)
    return (await response.json()) as Record<string, any>
  }
  return {
    ...server,
    timeline,
    detail,
    async stream() {
      const [id] = (await detail(BROWSER)).streams as string[]
      expect(id).toBeDefined()
      return (await timeline()).filter((event) => event.sessionId === id)
    },
  }
}
