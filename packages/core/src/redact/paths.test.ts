import { describe, expect, it } from 'vitest'
import { TapedeckError } from '../errors'
import { compilePaths, type PathState } from './paths'
import { parsePath } from './parsePath'

describe('parsePath', () => {
  it('reads keys, wildcards, indexes and quoted keys', () => {
    expect(parsePath('data.user.address')).toEqual([
      { kind: 'key', key: 'data' },
      { kind: 'key', key: 'user' },
      { kind: 'key', key: 'address' },
    ])
    expect(parsePath('data.messages[*].content')).toEqual([
      { kind: 'key', key: 'data' },
      { kind: 'key', key: 'messages' },
      { kind: 'item' },
      { kind: 'key', key: 'content' },
    ])
    expect(parsePath('data.**.password')).toEqual([
      { kind: 'key', key: 'data' },
      { kind: 'deep' },
      { kind: 'key', key: 'password' },
    ])
    expect(parsePath('headers.*')).toEqual([{ kind: 'key', key: 'headers' }, { kind: 'any' }])
    expect(parsePath(`items[12]['a.b']["c d"][0]`)).toEqual([
      { kind: 'key', key: 'items' },
      { kind: 'index', index: 12 },
      { kind: 'key', key: 'a.b' },
      { kind: 'key', key: 'c d' },
      { kind: 'index', index: 0 },
    ])
    expect(parsePath('x-api-key')).toEqual([{ kind: 'key', key: 'x-api-key' }])
  })

  it.each(['', '.a', 'a.', 'a..b', 'a[', 'a[x]', 'a[-1]', 'a]', 'a[0]b', 'a.[0]', "a['b]", '**', '**.**'])(
    'rejects %j with invalid_redaction_rule',
    (path) => {
      expect(() => parsePath(path)).toThrowError(TapedeckError)
      expect(() => parsePath(path)).toThrowError(expect.objectContaining({ code: 'invalid_redaction_rule' }))
    },
  )

  it('says where and how a path is malformed', () => {
    expect(() => parsePath('data..user')).toThrow(/"data\.\.user" is malformed at character 6.*data\.messages\[\*\]\.content/)
  })

  it('rejects a value that is not a string', () => {
    expect(() => parsePath(42 as unknown as string)).toThrowError(expect.objectContaining({ code: 'invalid_redaction_rule' }))
  })
})

/** Follows keys (strings) and array indexes (numbers) from the start state. */
function walk(state: PathState | null, ...steps: Array<string | number>): PathState | null {
  for (const step of steps) {
    if (state === null) return null
    state = typeof step === 'number' ? state.item(step) : state.key(step)
  }
  return state
}
const matches = (paths: string[], ...steps: Array<string | number>) => walk(compilePaths(paths), ...steps)?.matched ?? false

describe('compilePaths', () => {
  it('has no start state without paths', () => {
    expect(compilePaths([])).toBeNull()
  })

  it('matches a dot path exactly, and nothing above or below it', () => {
    const paths = ['data.user.address']
    expect(matches(paths, 'data', 'user', 'address')).toBe(true)
    expect(matches(paths, 'data', 'user')).toBe(false)
    expect(matches(paths, 'data', 'user', 'name')).toBe(false)
    expect(matches(paths, 'data', 'User', 'address')).toBe(false) // keys are case-sensitive
    expect(matches(paths, 'user', 'address')).toBe(false)
  })

  it('stops early: no state below a key no path goes through', () => {
    const start = compilePaths(['data.user.address'])!
    expect(start.key('meta')).toBeNull()
    expect(start.key('data')!.item(0)).toBeNull()
  })

  it('[*] matches array items only, [n] one item', () => {
    expect(matches(['messages[*].content'], 'messages', 3, 'content')).toBe(true)
    expect(matches(['messages[*].content'], 'messages', 'x', 'content')).toBe(false)
    expect(matches(['messages[1].content'], 'messages', 1, 'content')).toBe(true)
    expect(matches(['messages[1].content'], 'messages', 0, 'content')).toBe(false)
    expect(matches(['messages[1].content'], 'messages', 2, 'content')).toBe(false)
  })

  it('* matches any key or item', () => {
    expect(matches(['headers.*'], 'headers', 'x-anything')).toBe(true)
    expect(matches(['list.*.id'], 'list', 7, 'id')).toBe(true)
    expect(matches(['*.id'], 'whatever', 'id')).toBe(true)
    expect(matches(['headers.*'], 'headers')).toBe(false)
  })

  it('** matches zero or more levels of keys and items', () => {
    const paths = ['data.**.ssn']
    expect(matches(paths, 'data', 'ssn')).toBe(true)
    expect(matches(paths, 'data', 'a', 'b', 'ssn')).toBe(true)
    expect(matches(paths, 'data', 'list', 4, 'ssn')).toBe(true)
    expect(matches(paths, 'meta', 'ssn')).toBe(false)
    expect(matches(['**.ssn'], 'ssn')).toBe(true)
    expect(matches(['**.ssn'], 'a', 0, 'ssn')).toBe(true)
    expect(matches(['a.**'], 'a', 'b')).toBe(true)
  })

  it('follows several paths at once', () => {
    const paths = ['data.user.email', 'data.**.token', 'meta[0]']
    expect(matches(paths, 'data', 'user', 'email')).toBe(true)
    expect(matches(paths, 'data', 'user', 'token')).toBe(true)
    expect(matches(paths, 'meta', 0)).toBe(true)
    expect(matches(paths, 'data', 'user', 'name')).toBe(false)
  })

  it('reuses states, so a walk allocates nothing once warm', () => {
    const start = compilePaths(['data.**.ssn'])!
    expect(walk(start, 'data', 'a', 'b')).toBe(walk(start, 'data', 'x', 0, 'y'))
    expect(start.key('data')!.key('a')).toBe(start.key('data')!.key('a'))
  })

  it('throws on the first malformed path', () => {
    expect(() => compilePaths(['data.ok', 'data..bad'])).toThrowError(expect.objectContaining({ code: 'invalid_redaction_rule' }))
  })
})
