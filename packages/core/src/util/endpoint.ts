/** The endpoint without trailing slashes, so that `${trimEndpoint(endpoint)}/v1/…` is one URL whatever the app wrote. */
export function trimEndpoint(endpoint: string): string {
  return endpoint.replace(/\/+$/, '')
}

/** `headers` with `Authorization: Bearer <token>` when there is a token. */
export function withBearer(headers: Record<string, string> | undefined, token: string | null | undefined): Record<string, string> {
  return { ...headers, ...(token && { Authorization: `Bearer ${token}` }) }
}
