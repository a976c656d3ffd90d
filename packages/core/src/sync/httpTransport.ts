import { explainNetworkError } from './explainNetworkError'
import type { BlobTransport, Transport, TransportResponse } from './Transport'
import { trimEndpoint } from '../util/endpoint'

/** docs/protocol.md §2: `POST {endpoint}/v1/batches` with the stored gzip bytes as they are. */
export function createHttpTransport(endpoint: string, fetchImpl: typeof fetch = (...args) => fetch(...args)): Transport {
  const url = `${trimEndpoint(endpoint)}/v1/batches`
  return async (batch, { headers, signal }) => {
    const response = await fetchImpl(url, {
      method: 'POST',
      headers: {
        ...headers,
        'Content-Type': 'application/x-ndjson',
        'Content-Encoding': 'gzip',
        'Idempotency-Key': batch.key,
        'Tapedeck-Session': batch.sessionId,
        'Tapedeck-Seq': `${batch.firstSeq}-${batch.lastSeq}`,
      },
      body: batch.body as Uint8Array<ArrayBuffer>,
      signal,
    }).catch((error: unknown) => Promise.reject(explainNetworkError(error, url)))
    return answer(response)
  }
}

/** docs/protocol.md §3: `PUT {endpoint}/v1/sessions/{sessionId}/blobs/{blobId}/{part}` with the raw bytes. */
export function createHttpBlobTransport(endpoint: string, fetchImpl: typeof fetch = (...args) => fetch(...args)): BlobTransport {
  const base = trimEndpoint(endpoint)
  return async (upload, { headers, signal }) => {
    const url = `${base}/v1/sessions/${upload.sessionId}/blobs/${upload.blobId}/${upload.part}`
    const response = await fetchImpl(url, {
      method: 'PUT',
      headers: { ...headers, 'Content-Type': upload.mimeType },
      body: upload.body as Uint8Array<ArrayBuffer>,
      signal,
    }).catch((error: unknown) => Promise.reject(explainNetworkError(error, url)))
    return answer(response)
  }
}

async function answer(response: Response): Promise<TransportResponse> {
  const ok = response.status >= 200 && response.status < 300
  const text = ok ? undefined : (await response.text().catch(() => '')).slice(0, 4000)
  return { status: response.status, retryAfter: response.headers.get('Retry-After'), ...(text !== undefined && { text }) }
}
