import { createHash } from 'node:crypto'
import { strFromU8, unzipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import type { ReviewAnnotation, ShareCreated } from '@tapedeck/core'
import type { WireEvent } from '../store/SessionStore.js'
import { ndjson } from './events.js'
import { HOUR, STUDIO_SESSIONS } from './studioSessions.js'
import type { OpenedStore } from './OpenedStore.js'
import { studioHarness } from './studioHarness.js'

/**
 * The Studio API's review work over a store: annotations, share links, the review key, erasure
 * with holds, and the many-session export.
 */
export function describeStudioReviewContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`Studio API: ${name}`, () => {
    const h = studioHarness(open)
    const { annotate, call, code, ids, ingest, seed } = h

    it('keeps review annotations: add, list, change, delete, and filters on them', async () => {
      await seed()
      h.clock += 1000
      const comment = await annotate('s_alpha', { kind: 'comment', text: 'Polite and correct.', range: { fromT: 100, toT: 600 } })
      expect(comment).toMatchObject({ sessionId: 's_alpha', kind: 'comment', text: 'Polite and correct.', score: null, author: 'Ada', createdAt: h.clock, updatedAt: h.clock })
      const score = await annotate('s_alpha', { kind: 'score', score: 4, range: { fromSeq: 2, toSeq: 3 } }, 'admin-1')
      const label = await annotate('s_beta', { kind: 'label', text: 'escalate' })
      await annotate('s_beta', { kind: 'flag', text: '' })

      const listed = await call('GET', '/v1/sessions/s_alpha/annotations', 'read-1')
      expect(((await listed.json()) as { annotations: ReviewAnnotation[] }).annotations).toEqual([comment, score])

      h.clock += 5000
      const patched = await call('PATCH', `/v1/sessions/s_alpha/annotations/${score.id}`, 'review-1', { score: 2, text: 'too slow', range: null })
      expect(patched.status).toBe(200)
      const changed = ((await patched.json()) as { annotation: ReviewAnnotation }).annotation
      expect(changed).toEqual({ ...score, score: 2, text: 'too slow', range: null, updatedAt: h.clock })

      expect(await ids('label=escalate')).toEqual(['s_beta'])
      expect(await ids('reviewed=true')).toEqual(['s_beta', 's_alpha'])
      expect(await ids('reviewed=false')).toEqual(['s_gamma'])
      expect(await ids('flagged=true')).toEqual(['s_beta'])
      expect(await ids('flagged=false')).toEqual(['s_gamma', 's_alpha'])

      expect((await call('DELETE', `/v1/sessions/s_beta/annotations/${label.id}`, 'review-1')).status).toBe(200)
      expect(await code(await call('DELETE', `/v1/sessions/s_beta/annotations/${label.id}`, 'review-1'))).toEqual([404, 'annotation_not_found'])
      expect(await ids('label=escalate')).toEqual([])
      expect(await code(await call('PATCH', `/v1/sessions/s_beta/annotations/${label.id}`, 'review-1', { text: 'x' }))).toEqual([404, 'annotation_not_found'])
      expect(await code(await call('GET', '/v1/sessions/s_none/annotations', 'read-1'))).toEqual([404, 'session_not_found'])
      expect(await code(await call('POST', '/v1/sessions/s_none/annotations', 'review-1', { kind: 'comment', text: 'x', author: 'Ada' }))).toEqual([404, 'session_not_found'])

      const invalid = [
        { kind: 'rating', text: 'x', author: 'Ada' },
        { kind: 'comment', text: '   ', author: 'Ada' },
        { kind: 'comment', text: 'x'.repeat(10_001), author: 'Ada' },
        { kind: 'label', text: 'x'.repeat(201), author: 'Ada' },
        { kind: 'score', score: 6, author: 'Ada' },
        { kind: 'score', score: 2.5, author: 'Ada' },
        { kind: 'comment', text: 'x', score: 3, author: 'Ada' },
        { kind: 'comment', text: 'x', author: '' },
        { kind: 'comment', text: 'x' },
        { kind: 'comment', text: 'x', author: 'Ada', range: { fromT: 5, toT: 1 } },
        { kind: 'comment', text: 'x', author: 'Ada', range: { fromSeq: 1.5, toSeq: 2 } },
        { kind: 'comment', text: 'x', author: 'Ada', range: { fromT: 1, toT: 2, extra: 1 } },
        { kind: 'comment', text: 'x', author: 'Ada', id: 'mine' },
      ]
      for (const body of invalid) expect([body, ...(await code(await call('POST', '/v1/sessions/s_alpha/annotations', 'review-1', body)))]).toEqual([body, 400, 'invalid_body'])
      expect(await code(await call('PATCH', `/v1/sessions/s_alpha/annotations/${comment.id}`, 'review-1', { kind: 'flag' }))).toEqual([400, 'invalid_body'])
      expect(await code(await call('PATCH', `/v1/sessions/s_alpha/annotations/${comment.id}`, 'review-1', { score: 3 }))).toEqual([400, 'invalid_body'])
    })

    it('erases annotations and share links with the session, and keeps them while it is held', async () => {
      await seed()
      await annotate('s_alpha', { kind: 'comment', text: 'keep me' })
      await annotate('s_beta', { kind: 'flag' })
      const shared = (await (await call('POST', '/v1/sessions/s_beta/shares', 'review-1', { expiresInMs: 3_600_000 })).json()) as ShareCreated
      expect((await call('PUT', '/v1/sessions/s_alpha/hold', 'admin-1', { reason: 'case 7' })).status).toBe(200)
      expect((await call('DELETE', '/v1/sessions/s_alpha')).status).toBe(423)
      expect((await call('DELETE', '/v1/sessions/s_beta')).status).toBe(200)
      expect(((await (await call('GET', '/v1/sessions/s_alpha/annotations')).json()) as { annotations: unknown[] }).annotations).toHaveLength(1)
      expect(await h.store.listShares('s_beta')).toEqual([])
      expect(await code(await call('GET', '/v1/sessions/s_beta', shared.token))).toEqual([401, 'unauthorized'])
      // The same id recorded again is a new session, without the old review work.
      await ingest(STUDIO_SESSIONS.beta)
      expect(((await (await call('GET', '/v1/sessions/s_beta/annotations')).json()) as { annotations: unknown[] }).annotations).toEqual([])
      expect(await ids('flagged=true')).toEqual([])
      // Erasing by user and by retention take annotations too.
      expect((await call('DELETE', '/v1/sessions/s_alpha/hold')).status).toBe(200)
      expect((await call('DELETE', '/v1/users/u_a')).status).toBe(200)
      await ingest(STUDIO_SESSIONS.alpha)
      expect(((await (await call('GET', '/v1/sessions/s_alpha/annotations')).json()) as { annotations: unknown[] }).annotations).toEqual([])
    })

    it('gives a share link that reads its one session until it expires or is revoked, and stores only its hash', async () => {
      await seed()
      await annotate('s_alpha', { kind: 'comment', text: 'shared note' })
      await call('PUT', '/v1/sessions/s_alpha/blobs/b1/0', 'in-1')
      const made = await call('POST', '/v1/sessions/s_alpha/shares', 'review-1', { expiresInMs: 3_600_000 })
      expect(made.status).toBe(201)
      const { share, token } = (await made.json()) as ShareCreated
      expect(share).toEqual({ id: share.id, sessionId: 's_alpha', createdAt: h.clock, expiresAt: h.clock + 3_600_000 })
      const stored = await h.store.getShare('s_alpha', share.id)
      expect(stored?.tokenHash).toBe(createHash('sha256').update(token).digest('hex'))
      expect(JSON.stringify(await h.store.listShares('s_alpha'))).not.toContain(token.split('.').at(-1)!)

      for (const path of ['/v1/sessions/s_alpha', '/v1/sessions/s_alpha/events', '/v1/sessions/s_alpha/annotations', '/v1/sessions/s_alpha/export?format=zip', '/v1/sessions/s_alpha/blobs/b1/0']) {
        expect([path, (await call('GET', path, token)).status]).toEqual([path, 200])
      }
      expect(await (await call('GET', '/v1/access', token)).json()).toEqual({ kind: 'share', sessionId: 's_alpha', expiresAt: share.expiresAt })
      const refused = [
        ['GET', '/v1/sessions/s_beta'],
        ['GET', '/v1/sessions/s_beta/events'],
        ['GET', '/v1/sessions/s_beta/annotations'],
        ['GET', '/v1/sessions/s_beta/export'],
        ['GET', '/v1/sessions'],
        ['GET', '/v1/stats'],
        ['GET', '/v1/export'],
        ['GET', '/v1/sessions/s_alpha/hold'],
        ['GET', '/v1/sessions/s_alpha/shares'],
        ['POST', '/v1/sessions/s_alpha/shares'],
        ['POST', '/v1/sessions/s_alpha/annotations'],
        ['DELETE', '/v1/sessions/s_alpha'],
        ['PUT', '/v1/sessions/s_alpha/blobs/b2/0'],
      ]
      for (const [method, path] of refused) expect([method, path, ...(await code(await call(method!, path!, token)))]).toEqual([method, path, 403, 'forbidden'])
      // A token whose ids were changed to another session's is not a token at all.
      const forged = token.replace('s_alpha', 's_beta')
      expect(await code(await call('GET', '/v1/sessions/s_beta', forged))).toEqual([401, 'unauthorized'])
      expect(await code(await call('GET', '/v1/sessions/s_alpha', `${token}x`))).toEqual([401, 'unauthorized'])

      const listed = (await (await call('GET', '/v1/sessions/s_alpha/shares', 'review-1')).json()) as { shares: unknown[] }
      expect(listed.shares).toEqual([share])

      h.clock = share.expiresAt
      expect(await code(await call('GET', '/v1/sessions/s_alpha', token))).toEqual([401, 'share_expired'])
      expect(((await (await call('GET', '/v1/sessions/s_alpha/shares', 'review-1')).json()) as { shares: unknown[] }).shares).toEqual([])

      const second = (await (await call('POST', '/v1/sessions/s_alpha/shares', 'admin-1', {})).json()) as ShareCreated
      expect(second.share.expiresAt - second.share.createdAt).toBe(7 * 24 * HOUR)
      expect((await call('GET', '/v1/sessions/s_alpha/events', second.token)).status).toBe(200)
      expect((await call('DELETE', `/v1/sessions/s_alpha/shares/${second.share.id}`, 'review-1')).status).toBe(200)
      expect(await code(await call('GET', '/v1/sessions/s_alpha/events', second.token))).toEqual([401, 'unauthorized'])
      expect(await code(await call('DELETE', `/v1/sessions/s_alpha/shares/${second.share.id}`, 'review-1'))).toEqual([404, 'share_not_found'])
      for (const body of [{ expiresInMs: 59_999 }, { expiresInMs: 91 * 24 * HOUR }, { expiresInMs: '1h' }, { ttl: 1 }]) {
        expect([body, ...(await code(await call('POST', '/v1/sessions/s_alpha/shares', 'review-1', body)))]).toEqual([body, 400, 'invalid_body'])
      }
      expect(await code(await call('POST', '/v1/sessions/s_none/shares', 'review-1', {}))).toEqual([404, 'session_not_found'])
    })

    it('lets a review key read, annotate and share, but not ingest, erase or hold', async () => {
      await seed()
      expect(await (await call('GET', '/v1/access', 'review-1')).json()).toEqual({ kind: 'review' })
      expect((await call('GET', '/v1/sessions/s_alpha/events', 'review-1')).status).toBe(200)
      expect(await code(await call('POST', '/v1/batches', 'review-1'))).toEqual([403, 'forbidden'])
      expect(await code(await call('PUT', '/v1/sessions/s_alpha/blobs/b/0', 'review-1'))).toEqual([403, 'forbidden'])
      expect(await code(await call('DELETE', '/v1/sessions/s_alpha', 'review-1'))).toEqual([403, 'forbidden'])
      expect(await code(await call('DELETE', '/v1/users/u_a', 'review-1'))).toEqual([403, 'forbidden'])
      expect(await code(await call('PUT', '/v1/sessions/s_alpha/hold', 'review-1'))).toEqual([403, 'forbidden'])
      expect(await code(await call('POST', '/v1/sessions/s_alpha/annotations', 'read-1', { kind: 'flag', author: 'x' }))).toEqual([403, 'forbidden'])
      expect(await code(await call('POST', '/v1/sessions/s_alpha/shares', 'read-1', {}))).toEqual([403, 'forbidden'])
      expect(await ids('')).toHaveLength(3)
    })

    it('exports every matching session as JSON lines and as a zip with review annotations', async () => {
      await seed()
      await annotate('s_beta', { kind: 'flag', text: 'bad' })
      await call('PUT', '/v1/sessions/s_beta/blobs/b1/0', 'in-1')
      const jsonl = await call('GET', '/v1/export?tag=beta', 'read-1')
      expect([jsonl.status, jsonl.headers.get('content-type')]).toEqual([200, 'application/x-ndjson; charset=utf-8'])
      const lines = (await jsonl.text()).trim().split('\n').map((line) => JSON.parse(line) as WireEvent)
      expect(lines).toEqual([...STUDIO_SESSIONS.beta, ...STUDIO_SESSIONS.alpha])

      const zipped = await call('GET', '/v1/export?format=zip&q=lisbon', 'read-1')
      expect(zipped.headers.get('content-disposition')).toBe('attachment; filename="tapedeck-export.zip"')
      const files = unzipSync(new Uint8Array(await zipped.arrayBuffer()))
      expect(Object.keys(files).sort()).toEqual([
        's_beta/blobs/b1/0',
        's_beta/events.jsonl',
        's_beta/metadata.json',
        's_beta/review-annotations.json',
        's_gamma/events.jsonl',
        's_gamma/metadata.json',
        's_gamma/review-annotations.json',
      ])
      expect(strFromU8(files['s_gamma/events.jsonl']!)).toBe(ndjson(STUDIO_SESSIONS.gamma))
      expect((JSON.parse(strFromU8(files['s_beta/review-annotations.json']!)) as ReviewAnnotation[]).map((a) => a.kind)).toEqual(['flag'])
      expect((await (await call('GET', '/v1/export?userId=nobody', 'read-1')).text())).toBe('')
    })
  })
}
