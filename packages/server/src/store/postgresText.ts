/** A string as PostgreSQL text can hold it: without NUL. */
export function postgresText(value: string): string {
  return value.replaceAll('\0', '')
}

/** A string value (a metadata field) as PostgreSQL text, or null when it is not a string. */
export function postgresTextOrNull(value: unknown): string | null {
  return typeof value === 'string' ? postgresText(value) : null
}
