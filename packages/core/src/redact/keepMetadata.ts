/** Keys whose text is structure, not content: ids, names of models, tools, roles, kinds, units. */
const KEPT = new Set([
  'type', 'provider', 'model', 'role', 'kind', 'name', 'finishReason', 'stopReason', 'unit', 'mimeType', 'speaker',
  'source', 'reason', 'status', 'key', 'state', 'track', 'previousStatus', 'feature', 'method', 'code',
])

export const TEXT_PLACEHOLDER = '[text]'

/**
 * `capture: 'metadata'`: every string is replaced by `[text]` except ids (keys ending in `Id`,
 * or `id`) and the names in `KEPT`; numbers, booleans and the shape stay, so costs, tokens,
 * timings and tool usage can still be counted.
 */
export function keepMetadata(value: unknown): { value: unknown; count: number } {
  let count = 0
  const walk = (node: unknown, key: string | undefined): unknown => {
    if (typeof node === 'string') {
      if (key !== undefined && (KEPT.has(key) || key === 'id' || key.endsWith('Id'))) return node
      // Already a placeholder (a payload the page redacted before the engine): not counted again.
      if (node === '' || node === TEXT_PLACEHOLDER) return node
      count++
      return TEXT_PLACEHOLDER
    }
    if (Array.isArray(node)) return node.map((item) => walk(item, undefined))
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(node)) out[k] = walk(v, k)
      return out
    }
    return node
  }
  const result = walk(value, undefined)
  return { value: result, count }
}
