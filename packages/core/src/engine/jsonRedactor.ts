import { createRedactor, type RedactOptions } from '../redact'
import { keepMetadata } from '../redact/keepMetadata'

export type JsonRedactor = (json: string) => { json: string; count: number }

/**
 * Redaction on the JSON text of a payload, as the engine holds it. Paths name fields as they
 * appear in a recorded event (`data.user.address`), so the payload is redacted under `data`.
 * With `capture: 'metadata'`, text is dropped first (see `keepMetadata`).
 */
export function createJsonRedactor(options?: RedactOptions, capture: 'full' | 'metadata' = 'full'): JsonRedactor {
  const redactor = createRedactor(options)
  const underData = (options?.paths?.length ?? 0) > 0
  const redact: JsonRedactor = (json) => {
    // Most chat payloads hold nothing to redact: then they are not parsed at all.
    if (!redactor.mightRedactJson(json)) return { json, count: 0 }
    const data = JSON.parse(json) as unknown
    const { value, count } = redactor.redact(underData ? { data } : data)
    return count === 0 ? { json, count } : { json: JSON.stringify(underData ? (value as { data: unknown }).data : value), count }
  }
  if (capture === 'full') return redact
  return (json) => {
    const stripped = keepMetadata(JSON.parse(json))
    const redacted = redact(JSON.stringify(stripped.value))
    return { json: redacted.json, count: stripped.count + redacted.count }
  }
}

/** A redactor per capture mode, each made on first use of its mode (the page-hide copy and send keep one per mode). */
export function jsonRedactors(options: RedactOptions | undefined): (capture: 'full' | 'metadata') => JsonRedactor {
  const made: Partial<Record<'full' | 'metadata', JsonRedactor>> = {}
  return (capture) => (made[capture] ??= createJsonRedactor(options, capture))
}
