/** A short unique id for messages, calls and tool calls: time first, so ids sort roughly by creation. */
export function createId(prefix: string): string {
  const random = crypto.getRandomValues(new Uint32Array(2))
  return `${prefix}${Date.now().toString(36)}${random[0]!.toString(36)}${random[1]!.toString(36)}`
}
