/**
 * Where the server's API is: the folder the Studio was served from (tapedeck-server serves it at
 * `/`, beside `/v1`; under a base path, beside that base path's `/v1`).
 */
export function apiBase(): string {
  return `${location.origin}${location.pathname.replace(/[^/]*$/, '')}`.replace(/\/+$/, '')
}
