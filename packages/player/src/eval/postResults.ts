import type { ReviewAnnotation, ReviewAnnotationInput } from '@tapedeck/core'
import { createReadClient, ReadApiError, sessionPath, type ReadClient } from '@tapedeck/core/read'
import { reviewAnnotationsIn } from '../annotations/fromReviewAnnotation'
import type { ServerSource } from '../load/loadRecording'
import type { Recording } from '../recording/Recording'
import { validationResults, type ValidationValue } from './validationResults'
import { fromValidationReview, toValidationReview } from './validationReview'

export interface PostResultsOptions extends Omit<ServerSource, 'sessionId'> {
  /** A review (or admin) key: writing annotations needs one. */
  token?: ServerSource['token']
  /** Written as the annotations' author. Default `tapedeck-eval`. */
  author?: string
  /** Sessions written at the same time. Default 4. */
  concurrency?: number
  signal?: AbortSignal
}

export interface PostResultsReport {
  /** Sessions whose verdicts are all on the server now. */
  sessions: number
  created: number
  updated: number
  /** Already there, the same. */
  unchanged: number
  /** Older copies of a verdict removed (one annotation per check and session is kept). */
  deleted: number
  /** Sessions the server refused or could not be reached for, with its error code. */
  failed: Array<{ sessionId: string; code: string; message: string }>
}

/**
 * Stores the verdicts `evaluate` wrote into each recording on a Tapedeck server, through its
 * review-annotations API (docs/server.md): one annotation per check and session — created, or
 * updated when the check's verdict changed, so evaluating again replaces it — which the Studio
 * and `loadRecording({ endpoint, sessionId })` read back as `validation.result` annotations. The
 * format is in docs/evaluations.md ("Results on a server"). A session that fails (not on the
 * server, a key that may not write) is reported in `failed`; the others are still written.
 */
export async function postResults(recordings: Recording | Iterable<Recording>, options: PostResultsOptions): Promise<PostResultsReport> {
  const list = Symbol.iterator in Object(recordings) ? [...(recordings as Iterable<Recording>)] : [recordings as Recording]
  const report: PostResultsReport = { sessions: 0, created: 0, updated: 0, unchanged: 0, deleted: 0, failed: [] }
  const author = options.author ?? 'tapedeck-eval'
  const client = createReadClient(options)
  let next = 0
  const worker = async () => {
    while (next < list.length) {
      const recording = list[next++]!
      try {
        await postOne(recording, client, options.signal, author, report)
        report.sessions++
      } catch (error) {
        if ((error as { name?: unknown })?.name === 'AbortError') throw error
        // The server's code; `load_failed` when it could not be reached or answered what it should not.
        const answered = error instanceof ReadApiError && error.status !== 0
        const message = answered ? `${error.url} answered ${error.status}: ${error.message}` : ((error as Error)?.message ?? String(error))
        report.failed.push({ sessionId: recording.sessionId, code: answered ? error.code : 'load_failed', message })
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, list.length)) }, worker))
  return report
}

async function postOne(recording: Recording, client: ReadClient, signal: AbortSignal | undefined, author: string, report: PostResultsReport): Promise<void> {
  const base = `${sessionPath(recording.sessionId)}/annotations`
  const call = (method: string, path: string, body?: unknown): Promise<unknown> => client.json(path, { method, body, signal: signal ?? null })

  const verdicts: ValidationValue[] = validationResults(recording)
    .filter((record) => record.origin === 'annotation')
    .map(({ origin: _origin, annotationId: _id, seq: _seq, ...value }) => value)
  const stored = reviewAnnotationsIn(((await call('GET', base)) as { annotations?: unknown })?.annotations)
  const byName = new Map<string, ReviewAnnotation[]>()
  for (const review of stored) {
    const name = fromValidationReview(review)?.name
    if (name !== undefined) byName.set(name, [...(byName.get(name) ?? []), review])
  }
  for (const verdict of verdicts) {
    const input: ReviewAnnotationInput = toValidationReview(verdict, recording.events, author)
    const [current, ...older] = byName.get(verdict.name) ?? []
    if (!current) {
      await call('POST', base, input)
      report.created++
    } else if (current.text === input.text && JSON.stringify(current.range) === JSON.stringify(input.range)) {
      report.unchanged++
    } else {
      await call('PATCH', `${base}/${encodeURIComponent(current.id)}`, { text: input.text, range: input.range })
      report.updated++
    }
    for (const old of older) {
      await call('DELETE', `${base}/${encodeURIComponent(old.id)}`)
      report.deleted++
    }
  }
}
