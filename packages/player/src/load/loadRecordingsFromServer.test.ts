import { createHandler, createMemoryStore, serve } from '@tapedeck/server'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { evalEvents } from '../../test/evalRecordings'
import { uploadEvents } from '../../test/uploadEvents'
import { runCli } from '../cli/runCli'
import { loadRecordingsFromServer } from './loadRecordingsFromServer'

const CHECKS = fileURLToPath(new URL('../../test/evalChecks.ts', import.meta.url))
let server: { url: string; close(): Promise<void> }

// The reference server, with the three recordings sent as a recorder sends them (docs/protocol.md §2).
beforeAll(async () => {
  server = await serve({ handler: createHandler({ store: createMemoryStore(), ingestKeys: ['ingest-key'], readKeys: ['read-key'], log: false }), port: 0, host: '127.0.0.1' })
  for (const events of evalEvents()) await uploadEvents(server.url, events, 'ingest-key')
})

afterAll(async () => {
  await server?.close()
})

describe('recordings from a server query', () => {
  it('lists, follows the cursor up to the limit, and loads each session', async () => {
    const all = await loadRecordingsFromServer({ endpoint: server.url, token: 'read-key', query: { feature: 'support-chat' } })
    expect(all.map((r) => r.sessionId).sort()).toEqual(['s_good', 's_slow', 's_wrong_tool'])
    expect(all.every((r) => r.complete && r.source === 'server')).toBe(true)
    const paged = await loadRecordingsFromServer({ endpoint: server.url, token: 'read-key', pageSize: 1 })
    expect(paged.map((r) => r.sessionId).sort()).toEqual(['s_good', 's_slow', 's_wrong_tool'])
    expect(await loadRecordingsFromServer({ endpoint: server.url, token: 'read-key', pageSize: 1, limit: 2 })).toHaveLength(2)
    expect(await loadRecordingsFromServer({ endpoint: server.url, token: 'read-key', query: 'feature=billing' })).toEqual([])
    await expect(loadRecordingsFromServer({ endpoint: server.url, token: 'wrong' })).rejects.toMatchObject({ code: 'load_failed', message: expect.stringContaining('401') })
  })

  it('tapedeck eval <url> evaluates the sessions the server lists', async () => {
    let stdout = ''
    let stderr = ''
    const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t), env: { TAPEDECK_TOKEN: 'read-key' } }
    expect(await runCli(['eval', server.url, '--checks', CHECKS, '--query', 'feature=support-chat', '--min-pass-rate', '0.95'], io)).toBe(1)
    expect(stderr).toBe('')
    expect(stdout).toContain('3 recordings, 1 passed every check')
  })
})
