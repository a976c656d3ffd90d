/** Browser-side helpers for sync tests: a fault proxy of one's own, and reading the server back. */
import { inject } from 'vitest'
import type { TapedeckEvent } from '../src/events/catalogue'
import type { FaultPlan, LoggedRequest } from '../../../e2e/support/faultProxy'

export interface ProxyHandle {
  url: string
  setPlan(plan: FaultPlan): Promise<void>
  requests(): Promise<LoggedRequest[]>
}

export async function newProxy(plan: FaultPlan = {}): Promise<ProxyHandle> {
  const { url } = (await (await fetch(inject('faultLab'), { method: 'POST' })).json()) as { url: string }
  const handle: ProxyHandle = {
    url,
    setPlan: async (next) => {
      await fetch(`${url}/__control/plan`, { method: 'POST', body: JSON.stringify(next) })
    },
    requests: async () => (await (await fetch(`${url}/__control/requests`)).json()) as LoggedRequest[],
  }
  await handle.setPlan(plan)
  return handle
}

/** The events the server holds for a session, in seq order. */
export async function serverEvents(sessionId: string): Promise<TapedeckEvent[]> {
  const response = await fetch(`${inject('tapedeckServer')}/v1/sessions/${sessionId}/events`)
  if (response.status === 404) return []
  const text = await response.text()
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as TapedeckEvent)
}

export async function serverSession(sessionId: string): Promise<Record<string, unknown> | undefined> {
  const response = await fetch(`${inject('tapedeckServer')}/v1/sessions/${sessionId}`)
  return response.ok ? ((await response.json()) as Record<string, unknown>) : undefined
}
