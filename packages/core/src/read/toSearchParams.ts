/** Query parameters from an object: empty values (`undefined`, `null`, `''`) are left out, so `?q=` never reaches the server. */
export function toSearchParams(values: object | undefined): URLSearchParams {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(values ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value))
  }
  return params
}
