import type { ErrorDescription } from '@tapedeck/core'

/** An error as JSON can carry it: `Error` objects are not plain data and would be refused by `record()`. */
export function toErrorDescription(error: unknown): ErrorDescription | string {
  if (typeof error === 'string') return error
  if (error instanceof Error) return { name: error.name, message: error.message }
  if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') {
    return error as ErrorDescription
  }
  return { message: String(error) }
}
