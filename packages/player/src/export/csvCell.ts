/**
 * One CSV cell (RFC 4180): empty for null and undefined, numbers and booleans as they print,
 * objects as JSON; quoted when it holds a quote, comma or line break. Text that starts like a
 * formula (`=`, `+`, `-`, `@`, tab, CR) gets a leading `'`, so a spreadsheet shows it instead of
 * running it.
 */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  let text = typeof value === 'string' ? value : JSON.stringify(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}
