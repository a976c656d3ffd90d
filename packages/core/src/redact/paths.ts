import { TapedeckError } from '../errors'

/** One step of a path: a key, an array index, `*` (any child), `[*]` (any item), `**` (any depth). */
export type PathSegment =
  | { kind: 'key'; key: string }
  | { kind: 'index'; index: number }
  | { kind: 'any' }
  | { kind: 'item' }
  | { kind: 'deep' }

const EXAMPLES =
  `Use dot paths such as 'data.user.address', 'data.messages[*].content', 'data.**.password' or "data['x.y']".`

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

/**
 * Where the walk stands against every path at once: a state of a lazily built automaton.
 * Transitions are cached per state, so walking an event allocates nothing after warm-up.
 */
export interface PathState {
  /** A path ends here: the value at this place is removed. */
  readonly matched: boolean
  /** The state for an object's child, or null when no path can match below it. */
  key(key: string): PathState | null
  /** The state for an array item, or null when no path can match below it. */
  item(index: number): PathState | null
}

const MAX_CACHED = 512 // transitions kept per state; keys beyond that (ids as keys) are recomputed
const STRIDE = 1 << 16 // a position is path * STRIDE + segment

class Automaton {
  readonly #states = new Map<string, State>()

  constructor(readonly paths: readonly PathSegment[][]) {}

  /** The state for a set of positions, after following `**` zero times. */
  state(positions: number[]): State | null {
    const closed: number[] = []
    for (let position of positions) {
      for (;;) {
        if (!closed.includes(position)) closed.push(position)
        const segment = this.paths[Math.floor(position / STRIDE)]![position % STRIDE]
        if (segment?.kind !== 'deep') break
        position++
      }
    }
    if (closed.length === 0) return null
    closed.sort((a, b) => a - b)
    const id = closed.join()
    let state = this.#states.get(id)
    if (state === undefined) this.#states.set(id, (state = new State(this, closed)))
    return state
  }

  /** One step down: into the object key `key`, or (key null) into array item `index`. */
  step(positions: readonly number[], key: string | null, index: number): State | null {
    const next: number[] = []
    for (const position of positions) {
      const segment = this.paths[Math.floor(position / STRIDE)]![position % STRIDE]
      if (segment === undefined) continue
      if (segment.kind === 'deep') next.push(position)
      else if (
        segment.kind === 'any' ||
        (segment.kind === 'key' && segment.key === key) ||
        (key === null && (segment.kind === 'item' || (segment.kind === 'index' && segment.index === index)))
      ) {
        next.push(position + 1)
      }
    }
    return this.state(next)
  }
}

class State implements PathState {
  readonly matched: boolean
  readonly #byIndex: boolean
  readonly #keys = new Map<string, State | null>()
  readonly #indexes = new Map<number, State | null>()
  #anyItem: State | null | undefined

  readonly #automaton: Automaton
  readonly #positions: readonly number[]

  constructor(
    automaton: Automaton,
    positions: readonly number[],
  ) {
    this.#automaton = automaton
    this.#positions = positions
    const segments = positions.map((p) => automaton.paths[Math.floor(p / STRIDE)]![p % STRIDE])
    this.matched = segments.includes(undefined)
    this.#byIndex = segments.some((segment) => segment?.kind === 'index')
  }

  key(key: string): State | null {
    let next = this.#keys.get(key)
    if (next === undefined) {
      next = this.#automaton.step(this.#positions, key, -1)
      if (this.#keys.size < MAX_CACHED) this.#keys.set(key, next)
    }
    return next
  }

  item(index: number): State | null {
    if (this.#byIndex) {
      let next = this.#indexes.get(index)
      if (next === undefined) {
        next = this.#automaton.step(this.#positions, null, index)
        if (this.#indexes.size < MAX_CACHED) this.#indexes.set(index, next)
      }
      return next
    }
    if (this.#anyItem === undefined) this.#anyItem = this.#automaton.step(this.#positions, null, -1)
    return this.#anyItem
  }
}

/** The start state for a list of paths (null when there are none). Throws on a malformed path. */
export function compilePaths(paths: readonly string[]): PathState | null {
  if (paths.length === 0) return null
  const automaton = new Automaton(paths.map(parsePath))
  return automaton.state(paths.map((_, i) => i * STRIDE))
}
