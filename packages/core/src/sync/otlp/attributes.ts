import type { AnyValue, KeyValue } from './ExportTraceServiceRequest'

/**
 * Attribute builders that keep every key at the type the semantic conventions give it: each
 * returns `undefined` (and the attribute is left out) when the value is missing or of the wrong
 * type, instead of sending a token count as a string or a temperature as an int. Event data is
 * JSON from the page, checked for shape only at compile time, so the check happens here.
 */
export type Attribute = KeyValue | undefined

export function stringAttr(key: string, value: unknown): Attribute {
  return typeof value === 'string' ? { key, value: { stringValue: value } } : undefined
}

/** int64: a decimal string in OTLP/JSON. Only safe integers. */
export function intAttr(key: string, value: unknown): Attribute {
  return Number.isSafeInteger(value) ? { key, value: { intValue: String(value) } } : undefined
}

/** Always `doubleValue`, also for a whole number, so the key keeps one type. */
export function doubleAttr(key: string, value: unknown): Attribute {
  return typeof value === 'number' && Number.isFinite(value) ? { key, value: { doubleValue: value } } : undefined
}

export function boolAttr(key: string, value: unknown): Attribute {
  return typeof value === 'boolean' ? { key, value: { boolValue: value } } : undefined
}

/** string[]: left out unless every item is a string. */
export function stringArrayAttr(key: string, value: unknown): Attribute {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) return undefined
  return { key, value: { arrayValue: { values: value.map((item: string) => ({ stringValue: item })) } } }
}

/** Structured content as a JSON string (the semantic conventions allow this on spans). */
export function jsonAttr(key: string, value: unknown): Attribute {
  return value === undefined ? undefined : { key, value: { stringValue: JSON.stringify(value) } }
}

/** A string, boolean or number typed by what it is: an integer is `intValue`, else `doubleValue`. */
export function scalarAttr(key: string, value: unknown): Attribute {
  let typed: AnyValue
  if (typeof value === 'string') typed = { stringValue: value }
  else if (typeof value === 'boolean') typed = { boolValue: value }
  else if (Number.isSafeInteger(value)) typed = { intValue: String(value) }
  else if (typeof value === 'number' && Number.isFinite(value)) typed = { doubleValue: value }
  else return undefined
  return { key, value: typed }
}

export function attributes(...list: Attribute[]): KeyValue[] {
  return list.filter((item): item is KeyValue => item !== undefined)
}
