import type { Pool } from 'pg'
import type { ReviewAnnotation } from '@tapedeck/core'
import { lockSessions } from './postgresSessionLocks.js'
import { postgresText } from './postgresText.js'
import { postgresTransaction } from './postgresTransaction.js'
import type { SessionStore, ShareRecord } from './SessionStore.js'

/**
 * The PostgreSQL store's review work: annotations (tapedeck_annotations, each kept as its JSON
 * text) and share links (tapedeck_shares, token hashes). Adds take the session's row lock, so
 * the count a limit checks holds until commit.
 */
export function postgresReviews(
  ready: () => Promise<Pool>,
): Pick<SessionStore, 'listAnnotations' | 'addAnnotation' | 'updateAnnotation' | 'deleteAnnotation' | 'addShare' | 'getShare' | 'listShares' | 'deleteShare'> {
  return {
    async listAnnotations(sessionId) {
      const pool = await ready()
      const [session, { rows }] = await Promise.all([
        pool.query('select 1 from tapedeck_sessions where session_id = $1', [sessionId]),
        pool.query<{ annotation: string }>(
          'select annotation from tapedeck_annotations where session_id = $1 order by added',
          [sessionId],
        ),
      ])
      return session.rowCount === 0 ? null : rows.map((row) => JSON.parse(row.annotation) as ReviewAnnotation)
    },

    async addAnnotation(annotation, max) {
      return postgresTransaction(await ready(), async (client) => {
        // The session's lock orders adds, ingest and erasure of one session: the count holds, and
        // an erasure never misses an annotation added while it deletes.
        await lockSessions(client, [annotation.sessionId])
        const session = await client.query('select 1 from tapedeck_sessions where session_id = $1', [annotation.sessionId])
        if (session.rowCount === 0) return 'session_not_found'
        const { rows } = await client.query<{ n: string }>('select count(*) as n from tapedeck_annotations where session_id = $1', [annotation.sessionId])
        if (Number(rows[0]!.n) >= max) return 'too_many'
        await client.query(
          `insert into tapedeck_annotations (session_id, annotation_id, kind, text, created_at, annotation) values ($1, $2, $3, $4, $5, $6)`,
          [annotation.sessionId, annotation.id, annotation.kind, postgresText(annotation.text), annotation.createdAt, JSON.stringify(annotation)],
        )
        return 'added'
      })
    },

    async updateAnnotation(sessionId, annotationId, patch) {
      return postgresTransaction(await ready(), async (client) => {
        const { rows } = await client.query<{ annotation: string }>(
          'select annotation from tapedeck_annotations where session_id = $1 and annotation_id = $2 for update',
          [sessionId, annotationId],
        )
        if (!rows[0]) return null
        const changed: ReviewAnnotation = { ...(JSON.parse(rows[0].annotation) as ReviewAnnotation), ...patch }
        await client.query('update tapedeck_annotations set text = $3, annotation = $4 where session_id = $1 and annotation_id = $2', [
          sessionId,
          annotationId,
          postgresText(changed.text),
          JSON.stringify(changed),
        ])
        return changed
      })
    },

    async deleteAnnotation(sessionId, annotationId) {
      const result = await (await ready()).query('delete from tapedeck_annotations where session_id = $1 and annotation_id = $2', [sessionId, annotationId])
      return result.rowCount === 1
    },

    async addShare(share, max, now) {
      return postgresTransaction(await ready(), async (client) => {
        await lockSessions(client, [share.sessionId])
        const session = await client.query('select 1 from tapedeck_sessions where session_id = $1', [share.sessionId])
        if (session.rowCount === 0) return 'session_not_found'
        const { rows } = await client.query<{ n: string }>('select count(*) as n from tapedeck_shares where session_id = $1 and expires_at > $2', [
          share.sessionId,
          now,
        ])
        if (Number(rows[0]!.n) >= max) return 'too_many'
        await client.query('insert into tapedeck_shares (session_id, share_id, token_hash, created_at, expires_at) values ($1, $2, $3, $4, $5)', [
          share.sessionId,
          share.id,
          share.tokenHash,
          share.createdAt,
          share.expiresAt,
        ])
        return 'added'
      })
    },

    async getShare(sessionId, shareId) {
      const { rows } = await (await ready()).query<ShareRow>('select * from tapedeck_shares where session_id = $1 and share_id = $2', [sessionId, shareId])
      return rows[0] ? shareOf(rows[0]) : null
    },

    async listShares(sessionId) {
      const { rows } = await (await ready()).query<ShareRow>('select * from tapedeck_shares where session_id = $1 order by added', [sessionId])
      return rows.map(shareOf)
    },

    async deleteShare(sessionId, shareId) {
      const result = await (await ready()).query('delete from tapedeck_shares where session_id = $1 and share_id = $2', [sessionId, shareId])
      return result.rowCount === 1
    },
  }
}

interface ShareRow {
  session_id: string
  share_id: string
  token_hash: string
  created_at: string
  expires_at: string
}

function shareOf(row: ShareRow): ShareRecord {
  return { id: row.share_id, sessionId: row.session_id, tokenHash: row.token_hash, createdAt: Number(row.created_at), expiresAt: Number(row.expires_at) }
}
