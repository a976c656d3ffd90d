import { ServerError } from './ServerError.js'

/** Session, blob and part ids: safe as a file name on every platform, never a path. */
const ID = /^[A-Za-z0-9_-]{1,128}$/

export function isId(value: string): boolean {
  return ID.test(value)
}

export function assertId(value: string, what: string): string {
  if (!isId(value)) throw new ServerError('invalid_id', `${what} must match [A-Za-z0-9_-]{1,128}.`)
  return value
}
