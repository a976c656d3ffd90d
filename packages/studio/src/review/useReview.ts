import type { ReviewAnnotation, ReviewAnnotationRange } from '../api/types'
import { useAnnotations } from '../api/useAnnotations'
import { useCredentials } from '../auth/credentials'

/** The review actions on one session: score 1–5, flag, label, comment — each saved to the server at once, as the signed-in reviewer. */
export function useReview(sessionId: string) {
  const { list, add, remove, update } = useAnnotations(sessionId)
  const auth = useCredentials()
  const author = (auth?.kind === 'key' && auth.author) || 'reviewer'
  const annotations: ReviewAnnotation[] = list.data ?? []
  const available = list.data !== null && !list.isError
  const score = annotations.find((a) => a.kind === 'score' && a.author === author) ?? annotations.find((a) => a.kind === 'score')
  const flag = annotations.find((a) => a.kind === 'flag')
  const pending = add.isPending || remove.isPending || update.isPending
  return {
    /** The signed-in reviewer: their own annotations can be changed and deleted here. */
    author,
    annotations,
    loading: list.isPending,
    /** The server keeps annotations (a Studio API server). */
    available,
    error: list.error ?? add.error ?? remove.error ?? update.error,
    pending,
    score: score?.score ?? null,
    flagged: flag !== undefined,
    setScore(value: number) {
      if (score) update.mutate({ annotationId: score.id, patch: { score: value } })
      else add.mutate({ kind: 'score', score: value, author })
    },
    toggleFlag(reason = '') {
      if (flag) remove.mutate(flag.id)
      else add.mutate({ kind: 'flag', text: reason, author })
    },
    label(name: string) {
      if (name.trim()) add.mutate({ kind: 'label', text: name.trim(), author })
    },
    comment(text: string, range?: ReviewAnnotationRange) {
      if (text.trim()) add.mutate({ kind: 'comment', text: text.trim(), range: range ?? null, author })
    },
    /** A new text for a comment or label (kept when empty: delete it instead). */
    edit(annotationId: string, text: string) {
      if (text.trim()) update.mutate({ annotationId, patch: { text: text.trim() } })
    },
    remove(annotationId: string) {
      remove.mutate(annotationId)
    },
  }
}

export type Review = ReturnType<typeof useReview>
