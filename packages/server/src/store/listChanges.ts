import type { ReviewAnnotation, ReviewAnnotationPatch } from '@tapedeck/core'
import type { ShareRecord } from './SessionStore.js'

/**
 * A change to a session's list of annotations or share links, as the stores that keep the list
 * whole (file, memory) apply it: the new list when it changes, and what the call answers. One
 * set of rules for both; PostgreSQL applies the same rules in SQL.
 */
export type ListChange<T, R> = (list: readonly T[]) => { list?: T[]; result: R }

/** Adds an annotation unless the session already has `max`. */
export const addAnnotation =
  (annotation: ReviewAnnotation, max: number): ListChange<ReviewAnnotation, 'added' | 'too_many'> =>
  (list) =>
    list.length >= max ? { result: 'too_many' } : { list: [...list, annotation], result: 'added' }

/** Changes one annotation; null when there is no such annotation. */
export const updateAnnotation =
  (annotationId: string, patch: ReviewAnnotationPatch & { updatedAt: number }): ListChange<ReviewAnnotation, ReviewAnnotation | null> =>
  (list) => {
    const index = list.findIndex((a) => a.id === annotationId)
    if (index === -1) return { result: null }
    const changed = { ...list[index]!, ...patch }
    return { list: list.map((a, i) => (i === index ? changed : a)), result: changed }
  }

/** Adds a share link unless the session already has `max` that expire after `now`. */
export const addShare =
  (share: ShareRecord, max: number, now: number): ListChange<ShareRecord, 'added' | 'too_many'> =>
  (list) =>
    list.filter((s) => s.expiresAt > now).length >= max ? { result: 'too_many' } : { list: [...list, share], result: 'added' }

/** Removes the item with this id; false when there is none. */
export const removeById =
  <T extends { id: string }>(id: string): ListChange<T, boolean> =>
  (list) => {
    const kept = list.filter((item) => item.id !== id)
    return kept.length === list.length ? { result: false } : { list: kept, result: true }
  }

/** Reads the list, changing nothing. */
export const readList = <T>(list: readonly T[]): { result: T[] } => ({ result: [...list] })
