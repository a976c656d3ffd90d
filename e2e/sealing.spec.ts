import type { createRecorder } from '@tapedeck/core'
import type { createSealingKeys, loadRecording, SealingKeys } from '@tapedeck/player'
import { expect, test } from './fixtures'

declare global {
  interface Window {
    sealing: {
      createRecorder: typeof createRecorder
      createSealingKeys: typeof createSealingKeys
      loadRecording: typeof loadRecording
      storedKeys(dbName: string, sessionId: string): Promise<Array<{ kid: string; fromSeq: number; extractable: boolean; exportable: boolean }>>
    }
  }
}

test('a page reloaded mid-session continues its sealed session with the same content key: one sealing entry, everything opens', async ({ profile }) => {
  const page = await profile.open('/sealing.html')
  const { id, keys } = await page.evaluate(async () => {
    const keys = await window.sealing.createSealingKeys({ modulusLength: 2048 })
    const recorder = window.sealing.createRecorder({ dbName: 'sealed', encryptForServer: { publicKey: keys.publicKey } })
    const { id } = await recorder.start({ userId: 'u_reload' })
    for (let i = 0; i < 50; i++) recorder.record('message.created', { messageId: `a${i}`, role: 'user', content: `before the reload ${i} tangerine` })
    await recorder.flush()
    return { id, keys }
  })

  await page.reload()
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' })
  const back = await page.evaluate(
    async ({ id, keys }: { id: string; keys: SealingKeys }) => {
      const recorder = window.sealing.createRecorder({ dbName: 'sealed', encryptForServer: { publicKey: keys.publicKey } })
      const { resumed } = await recorder.start({ sessionId: id })
      for (let i = 0; i < 50; i++) recorder.record('message.created', { messageId: `b${i}`, role: 'user', content: `after the reload ${i} tangerine` })
      await recorder.stop()
      const exported = await recorder.sessions.export(id)
      const text = await exported.text()
      const stored = text.trim().split('\n').map((line) => JSON.parse(line) as { seq: number; type: string; data: Record<string, unknown> })
      const opened = await window.sealing.loadRecording(exported, { privateKey: keys.privateKey })
      const withoutKey = await window.sealing.loadRecording(exported).then(() => 'opened', (error: { code?: string }) => error.code)
      const local = await recorder.sessions.events(id)
      const contents = (events: ReadonlyArray<{ type: string; data: unknown }>) =>
        events.filter((e) => e.type === 'message.created').map((e) => (e.data as { content: string }).content)
      return {
        resumed,
        plaintextStored: text.includes('tangerine'),
        types: stored.map((e) => e.type),
        seqs: stored.map((e) => e.seq),
        notes: stored.filter((e) => e.data.sealing !== undefined).map((e) => [e.seq, (e.data.sealing as { kid: string }).kid]),
        sealedPayloads: stored.filter((e) => typeof e.data.sealed === 'string').length,
        opened: contents(opened.events),
        local: contents(local),
        withoutKey,
        storedKeys: await window.sealing.storedKeys('sealed', id),
      }
    },
    { id, keys },
  )

  expect(back.resumed).toBe(true)
  expect(back.plaintextStored).toBe(false)
  expect(back.seqs).toEqual([...back.seqs.keys()])
  // The reload is not a crash: the page left through pagehide (session.paused, reason page-left), and the next recorder resumed it.
  expect(back.types.filter((type) => type.startsWith('session.'))).toEqual(['session.started', 'session.paused', 'session.resumed', 'session.ended'])
  expect(back.notes).toEqual([[0, keys.publicKey.kid]])
  expect(back.sealedPayloads).toBe(100)
  const expected = [...Array(50).keys()].map((i) => `before the reload ${i} tangerine`).concat([...Array(50).keys()].map((i) => `after the reload ${i} tangerine`))
  expect(back.opened).toEqual(expected)
  expect(back.local).toEqual(expected)
  expect(back.withoutKey).toBe('sealed')
  expect(back.storedKeys).toEqual([{ kid: keys.publicKey.kid, fromSeq: 0, extractable: false, exportable: false }])
})
