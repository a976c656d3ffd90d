import { TapedeckError } from '../errors'

/** One step of a path: a key, an array index, `*` (any child), `[*]` (any item), `**` (any depth). */
export type PathSegment =
  | { kind: 'key'; key: string }
  | { kind: 'index'; index: number }
  | { kind: 'any' }
  | { kind: 'item' }
  | { kind: 'deep' }

const EXAMPLES = `Paths look like 'data.user.name', 'data.messages[*].content', 'data.**.password'.`

function malformed(path: string, at: number, problem: string): TapedeckError {
  return new TapedeckError(
    'invalid_redaction_rule',
    `Redaction path ${JSON.stringify(path)} is malformed at character ${at + 1}: ${problem}. ${EXAMPLES}`,
  )
}

// A name up to the next `.` or `[`, or a bracket: `[*]`, `[12]`, `['any key']`, `["any key"]`.
const TOKEN = /([^.[\]'"]+)|\[(?:(\*)|(\d+)|'([^']*)'|"([^"]*)")\]/y

/** Parses `data.messages[*].content` into segments; throws `invalid_redaction_rule` if malformed. */
export function parsePath(path: string): PathSegment[] {
  if (typeof path !== 'string' || path === '') {
    const got = JSON.stringify(path)
    throw new TapedeckError('invalid_redaction_rule', `A redaction path must be a non-empty string, got ${got}. ${EXAMPLES}`)
  }
  const segments: PathSegment[] = []
  let at = 0
  while (at < path.length) {
    const dotted = at > 0 && path[at] === '.'
    if (dotted) at++
    TOKEN.lastIndex = at
    const token = TOKEN.exec(path)
    if (token === null) throw malformed(path, at, 'expected a key, [*], [index] or [\'quoted key\']')
    const [, name, star, index, single, double] = token
    if (name !== undefined) {
      if (at > 0 && !dotted) throw malformed(path, at, 'expected "." before a key')
      segments.push(name === '**' ? { kind: 'deep' } : name === '*' ? { kind: 'any' } : { kind: 'key', key: name })
    } else if (dotted) {
      throw malformed(path, at - 1, 'a bracket follows its key directly, as in items[0], not items.[0]')
    } else if (star !== undefined) {
      segments.push({ kind: 'item' })
    } else if (index !== undefined) {
      segments.push({ kind: 'index', index: Number(index) })
    } else {
      segments.push({ kind: 'key', key: single ?? double ?? '' })
    }
    at = TOKEN.lastIndex
  }
  if (segments.every((segment) => segment.kind === 'deep')) {
    throw malformed(path, 0, 'a path must name at least one key or item, or it would remove the whole event')
  }
  return segments
}
