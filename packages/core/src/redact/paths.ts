import { parsePath, type PathSegment } from './parsePath'

export type { PathSegment }

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
