/**
 * Text for HTML, inside elements and quoted attributes alike: `& < > " '` become entities.
 * Null and undefined give `''`, numbers and booleans print, objects are JSON.
 */
export function escapeHtml(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value)
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;')
}
