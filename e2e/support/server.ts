import { createHandler, createMemoryStore, serve, type SessionStore } from '@tapedeck/server'
import { test } from '@playwright/test'
import { startFaultProxy, type FaultProxy } from './faultProxy'

export interface SyncTarget {
  store: SessionStore
  proxy: FaultProxy
  /** The events the server holds for a session, in seq order. */
  events(sessionId: string): Promise<Array<{ seq: number; type: string; data: Record<string, unknown> }>>
  close(): Promise<void>
}

/** A real Tapedeck server on loopback with a fault proxy in front: pages sync to `proxy.url`. */
export async function startSyncTarget(): Promise<SyncTarget> {
  const store = createMemoryStore()
  const server = await serve({ handler: createHandler({ store, cors: { origins: '*' }, log: false }), port: 0 })
  const proxy = await startFaultProxy(server.url)
  return {
    store,
    proxy,
    async events(sessionId) {
      const response = await fetch(`${server.url}/v1/sessions/${sessionId}/events`)
      if (!response.ok) return []
      return (await response.text())
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line))
    },
    async close() {
      await proxy.close()
      await server.close()
    },
  }
}

/**
 * A fresh `startSyncTarget()` for each test of the file that calls this (at its top level), closed
 * after it: the object returned is that test's target.
 */
export function syncTargetPerTest(): SyncTarget {
  const target = {} as SyncTarget
  test.beforeEach(async () => {
    Object.assign(target, await startSyncTarget())
  })
  test.afterEach(async () => {
    await target.close()
  })
  return target
}
