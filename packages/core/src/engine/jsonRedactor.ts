import { createRedactor, type RedactOptions } from '../redact'

export type JsonRedactor = (json: string) => { json: string; count: number }

/** Redaction on the JSON text of a payload, as the engine holds it. */
export function createJsonRedactor(options?: RedactOptions): JsonRedactor {
  const redactor = createRedactor(options)
  return (json) => {
    const { value, count } = redactor.redact(JSON.parse(json) as unknown)
    return count === 0 ? { json, count } : { json: JSON.stringify(value), count }
  }
}
