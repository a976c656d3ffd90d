/** What a probe of bench/lastWords.mjs sends: one POST per body size, to `url?i={index}`. */
export interface Send {
  url: string
  /** Body sizes in bytes, one request each. */
  sizes: number[]
  keepalive: boolean
  headers?: Record<string, string>
}

/** Starts the requests without waiting for them (page or worker); the ones fetch() refused at once. */
export function startRequests({ url, sizes, keepalive, headers }: Send): string[] {
  const refused: string[] = []
  sizes.forEach((size, index) => {
    try {
      const body = `${index}:`.padEnd(size, 'x')
      fetch(`${url}${url.includes('?') ? '&' : '?'}i=${index}`, { method: 'POST', body, keepalive, headers }).catch(() => undefined)
    } catch (error) {
      refused.push(`${index}: ${(error as Error).name}`)
    }
  })
  return refused
}
