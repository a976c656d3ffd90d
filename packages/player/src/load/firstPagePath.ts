import { sessionPath } from '@tapedeck/core/read'

/**
 * The events request the first page of a session is read with (`pageSize` null: all of it):
 * the Studio starts the same request early (prefetchSession) and must name the very same URL.
 * A module of its own, importing only core's read paths: the Studio's first page loads it
 * without the loader.
 */
export function firstPagePath(sessionId: string, pageSize: number | null): string {
  return `${sessionPath(sessionId)}/events?fromSeq=0${pageSize === null ? '' : `&limit=${pageSize}`}`
}
