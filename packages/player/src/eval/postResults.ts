import type { ReviewAnnotation, ReviewAnnotationInput } from '@tapedeck/core'
import { reviewAnnotationsIn } from '../annotations/fromReviewAnnotation'
import type { ServerSource } from '../load/loadRecording'
import { serverHeaders } from '../load/serverHeaders'
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

class PostError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
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
  let next = 0
  const worker = async () => {
    while (next < list.length) {
      const recording = list[next++]!
      try {
        await postOne(recording, options, author, report)
        report.sessions++
      } catch (error) {
        if ((error as { name?: unknown })?.name === 'AbortError') throw error
        const code = error instanceof PostError ? error.code : 'load_failed'
        report.failed.push({ sessionId: recording.sessionId, code, message: (error as Error)?.message ?? String(error) })
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, list.length)) }, worker))
  return report
}

async function postOne(recording: Recording, options: PostResultsOptions, author: string, report: PostResultsReport): Promise<void> {
  const base = `${options.endpoint.replace(/\/+$/, '')}/v1/sessions/${encodeURIComponent(recording.sessionId)}/annotations`
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis)
  const call = async (method: string, url: string, body?: unknown): Promise<unknown> => {
    const headers = await serverHeaders(options)
    if (body !== undefined) headers.set('Content-Type', 'application/json')
    let response: Response
    try {
      response = await fetchImpl(url, { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }), ...(options.signal && { signal: options.signal }) })
    } catch (error) {
      if ((error as { name?: unknown })?.name === 'AbortError') throw error
      throw new PostError('load_failed', `Could not reach ${url}: ${(error as Error)?.message ?? String(error)}`)
    }
    const text = await response.text()
    if (response.ok) return text === '' ? null : JSON.parse(text)
    let code = `http_${response.status}`
    try {
      code = (JSON.parse(text) as { error: { code: string } }).error.code ?? code
    } catch {
      // not the server's JSON error: keep the status
    }
    throw new PostError(code, `${method} ${url} answered ${response.status}: ${text.slice(0, 300)}`)
  }

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
