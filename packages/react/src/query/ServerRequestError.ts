import { ReadApiError } from '@tapedeck/core/read'

/**
 * @deprecated The server hooks read through core's read-API client, whose error is
 * `ReadApiError` (exported here and from `@tapedeck/core/read`); `ServerRequestError` is the same
 * class under its old name. `name` is now `'ReadApiError'`.
 */
export const ServerRequestError = ReadApiError
/** @deprecated Use `ReadApiError`. */
export type ServerRequestError = ReadApiError
