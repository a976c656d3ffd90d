import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { ReviewAnnotationInput, ReviewAnnotationPatch } from './types'
import { useStudioClient } from './useStudioClient'

/** A session's review annotations, kept on the server; adding, changing or removing one refreshes the list. */
export function useAnnotations(sessionId: string) {
  const client = useStudioClient()
  const queryClient = useQueryClient()
  const key = ['annotations', sessionId]
  const list = useQuery({ queryKey: key, queryFn: ({ signal }) => client.annotations(sessionId, signal) })
  const done = () => {
    void queryClient.invalidateQueries({ queryKey: key })
    void queryClient.invalidateQueries({ queryKey: ['sessions'] })
  }
  const add = useMutation({ mutationFn: (input: ReviewAnnotationInput) => client.addAnnotation(sessionId, input), onSuccess: done })
  const remove = useMutation({ mutationFn: (annotationId: string) => client.deleteAnnotation(sessionId, annotationId), onSuccess: done })
  const update = useMutation({
    mutationFn: ({ annotationId, patch }: { annotationId: string; patch: ReviewAnnotationPatch }) => client.updateAnnotation(sessionId, annotationId, patch),
    onSuccess: done,
  })
  return { list, add, remove, update }
}
