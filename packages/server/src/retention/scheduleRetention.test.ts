import { describe, expect, it } from 'vitest'
import { createMemoryStore } from '../store/createMemoryStore.js'
import type { SessionStore } from '../store/SessionStore.js'
import { recordSession } from '../testing/events.js'
import { scheduleRetention } from './scheduleRetention.js'

/** Waits for a condition, polling; fails after `ms`. */
async function until(condition: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

function logger() {
  const lines: string[] = []
  return { lines, info: (line: string) => lines.push(line), error: (line: string) => lines.push(`ERROR ${line}`) }
}

const put = (store: SessionStore, id: string, at: number) => {
  const { events } = recordSession(id, 2)
  return store.putBatch({ sessionId: id, key: 'k', firstSeq: 0, lastSeq: 1, events }, at)
}

describe('scheduleRetention', () => {
  it('sweeps at once, then every interval, and no more once stopped', async () => {
    const store = createMemoryStore()
    const log = logger()
    const clock = 10_000_000
    await put(store, 's_1', 0)
    const schedule = scheduleRetention({ store, retentionMs: 1000, intervalMs: 20, now: () => clock, log })
    await until(async () => (await store.getSession('s_1')) === null)
    expect(log.lines[0]).toMatch(/^retention-[0-9a-f]{8} sweep erased=1 held=0 before=1970-01-01T02:46:39\.000Z [\d.]+ms$/)
    await put(store, 's_2', 0)
    await until(async () => (await store.getSession('s_2')) === null)
    await schedule.stop()
    const sweeps = log.lines.length
    await put(store, 's_3', 0)
    await new Promise((resolve) => setTimeout(resolve, 100)) // five intervals: none may run
    expect(await store.getSession('s_3')).not.toBeNull()
    expect(log.lines).toHaveLength(sweeps)
  })

  it('logs a failed sweep and tries again at the next interval', async () => {
    const memory = createMemoryStore()
    let calls = 0
    const store: SessionStore = {
      ...memory,
      purgeInactive: async (before) => {
        calls += 1
        if (calls === 1) throw new Error('database unreachable')
        return memory.purgeInactive(before)
      },
    }
    const log = logger()
    const schedule = scheduleRetention({ store, retentionMs: 1000, intervalMs: 10, log })
    await until(() => calls >= 2)
    await schedule.stop()
    expect(log.lines[0]).toMatch(/^ERROR retention-[0-9a-f]{8} sweep failed$/)
    expect(log.lines[1]).toMatch(/ sweep erased=0 held=0 /)
  })

  it('sweeps on demand, and stop() waits for the sweep in progress', async () => {
    const memory = createMemoryStore()
    let release!: () => void
    let finished = false
    const gate = new Promise<void>((resolve) => (release = resolve))
    const store: SessionStore = {
      ...memory,
      purgeInactive: async (before) => {
        await gate
        finished = true
        return memory.purgeInactive(before)
      },
    }
    await put(memory, 's_held', 0)
    await memory.setHold('s_held', { reason: '', since: 0 })
    const schedule = scheduleRetention({ store, retentionMs: 1000, intervalMs: 60_000, now: () => 5000, log: false })
    const onDemand = schedule.sweep()
    let stopped = false
    const stopping = schedule.stop().then(() => (stopped = true))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect([finished, stopped]).toEqual([false, false])
    release()
    await stopping
    expect(finished).toBe(true)
    expect(await onDemand).toEqual({ before: 4000, erased: [], held: ['s_held'] })
  })

  it('refuses an interval or a retention that is not positive', () => {
    const store = createMemoryStore()
    expect(() => scheduleRetention({ store, retentionMs: 1000, intervalMs: 0, log: false })).toThrow(expect.objectContaining({ code: 'invalid_options' }))
    expect(() => scheduleRetention({ store, retentionMs: -5, log: false })).toThrow(expect.objectContaining({ code: 'invalid_options' }))
  })
})
