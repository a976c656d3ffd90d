import { randomBytes } from 'node:crypto'
import type { ReviewAnnotation, ReviewAnnotationKind, ReviewAnnotationPatch, ReviewAnnotationRange } from '@tapedeck/core'
import { ServerError } from '../ServerError.js'
import type { RequestContext } from './requestContext.js'
import { readJsonBody } from './readJsonBody.js'
import { json } from './responses.js'

const MAX_BODY = 64 * 1024
const MAX_TEXT = 10_000
const MAX_LABEL = 200
const MAX_AUTHOR = 200
/** Per session. */
export const MAX_ANNOTATIONS = 10_000
const KINDS: readonly ReviewAnnotationKind[] = ['comment', 'label', 'score', 'flag']

/** GET /v1/sessions/{id}/annotations: `{ annotations }`, oldest first. */
export async function listAnnotations({ params, store }: RequestContext): Promise<Response> {
  const annotations = await store.listAnnotations(params.sessionId!)
  if (!annotations) throw new ServerError('session_not_found', 'No such session.')
  return json(200, { annotations })
}

/** POST /v1/sessions/{id}/annotations: 201 `{ annotation }`. */
export async function postAnnotation({ request, params, store, now, note }: RequestContext): Promise<Response> {
  const body = await readJsonBody(request, MAX_BODY)
  known(body, ['kind', 'text', 'score', 'range', 'author'])
  const kind = body.kind as ReviewAnnotationKind
  if (!KINDS.includes(kind)) throw invalid(`kind must be one of ${KINDS.join(', ')}.`)
  const at = now()
  const annotation: ReviewAnnotation = {
    id: `a_${randomBytes(12).toString('base64url')}`,
    sessionId: params.sessionId!,
    kind,
    text: checkText(kind, body.text ?? ''),
    score: checkScore(kind, body.score),
    range: checkRange(body.range ?? null),
    author: checkAuthor(body.author),
    createdAt: at,
    updatedAt: at,
  }
  const result = await store.addAnnotation(annotation, MAX_ANNOTATIONS)
  if (result === 'session_not_found') throw new ServerError('session_not_found', 'No such session.')
  if (result === 'too_many') throw new ServerError('too_many_annotations', `A session holds at most ${MAX_ANNOTATIONS} annotations.`)
  note(`annotation=${annotation.id} kind=${kind}`)
  return json(201, { annotation })
}

/** PATCH /v1/sessions/{id}/annotations/{annotationId}: text, score or range; kind and author stay. */
export async function patchAnnotation({ request, params, store, now, note }: RequestContext): Promise<Response> {
  const body = await readJsonBody(request, MAX_BODY)
  known(body, ['text', 'score', 'range'])
  const current = (await store.listAnnotations(params.sessionId!))?.find((a) => a.id === params.annotationId)
  if (!current) throw new ServerError('annotation_not_found', 'No such annotation.')
  const patch: ReviewAnnotationPatch & { updatedAt: number } = { updatedAt: now() }
  if ('text' in body) patch.text = checkText(current.kind, body.text)
  if ('score' in body) patch.score = checkScore(current.kind, body.score)!
  if ('range' in body) patch.range = checkRange(body.range)
  const annotation = await store.updateAnnotation(params.sessionId!, params.annotationId!, patch)
  if (!annotation) throw new ServerError('annotation_not_found', 'No such annotation.')
  note(`annotation=${annotation.id}`)
  return json(200, { annotation })
}

/** DELETE /v1/sessions/{id}/annotations/{annotationId}. */
export async function deleteAnnotation({ params, store, note }: RequestContext): Promise<Response> {
  if (!(await store.deleteAnnotation(params.sessionId!, params.annotationId!))) throw new ServerError('annotation_not_found', 'No such annotation.')
  note(`annotation=${params.annotationId}`)
  return json(200, { deleted: params.annotationId })
}

function known(body: Record<string, unknown>, fields: readonly string[]): void {
  const other = Object.keys(body).find((field) => !fields.includes(field))
  if (other !== undefined) throw invalid(`Unknown field ${JSON.stringify(other.slice(0, 50))}; the fields are ${fields.join(', ')}.`)
}

function checkText(kind: ReviewAnnotationKind, text: unknown): string {
  const [min, max] = kind === 'comment' ? [1, MAX_TEXT] : kind === 'label' ? [1, MAX_LABEL] : [0, MAX_TEXT]
  if (typeof text !== 'string' || text.length > max || text.trim().length < min) {
    throw invalid(`text of a ${kind} must be a string of ${min} to ${max} characters${min ? ', not only spaces' : ''}.`)
  }
  return text
}

function checkScore(kind: ReviewAnnotationKind, score: unknown): number | null {
  if (kind !== 'score') {
    if (score !== undefined && score !== null) throw invalid('score is for annotations of kind score.')
    return null
  }
  if (typeof score !== 'number' || !Number.isInteger(score) || score < 1 || score > 5) throw invalid('score must be an integer from 1 to 5.')
  return score
}

function checkRange(range: unknown): ReviewAnnotationRange | null {
  if (range === null) return null
  const value = range as Record<string, unknown>
  const pair = (from: string, to: string, integers: boolean): boolean => {
    const a = value[from]
    const b = value[to]
    const ok = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n >= 0 && (!integers || Number.isSafeInteger(n))
    return Object.keys(value).length === 2 && ok(a) && ok(b) && (a as number) <= (b as number)
  }
  if (typeof range === 'object' && !Array.isArray(range)) {
    if (pair('fromT', 'toT', false)) return { fromT: value.fromT as number, toT: value.toT as number }
    if (pair('fromSeq', 'toSeq', true)) return { fromSeq: value.fromSeq as number, toSeq: value.toSeq as number }
  }
  throw invalid('range must be null, { fromT, toT } (ms since the start) or { fromSeq, toSeq } (integers), non-negative, from <= to.')
}

function checkAuthor(author: unknown): string {
  if (typeof author !== 'string' || author.trim() === '' || author.length > MAX_AUTHOR || /\p{Cc}/u.test(author)) {
    throw invalid(`author must be 1 to ${MAX_AUTHOR} characters without control characters.`)
  }
  return author
}

function invalid(message: string): ServerError {
  return new ServerError('invalid_body', message)
}
