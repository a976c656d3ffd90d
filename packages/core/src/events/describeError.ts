import type { ErrorDescription } from './catalogue'

/** An error as JSON can carry it: `Error` objects are not plain data and would be refused by `record()`. */
export function describeError(error: unknown): ErrorDescription {
  if (typeof error === 'string') return { message: error }
  if (error instanceof Error) return { name: error.name, message: error.message }
  if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') {
    return error as ErrorDescription
  }
  return { message: String(error) }
}
