/** Adds a member to the JSON text of an object (last, so it wins over one of the same name). */
export function withMember(json: string, name: string, value: unknown): string {
  const member = `${JSON.stringify(name)}:${JSON.stringify(value)}`
  return json === '{}' ? `{${member}}` : `${json.slice(0, -1)},${member}}`
}
