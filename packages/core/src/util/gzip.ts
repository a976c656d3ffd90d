/** fflate's gzip levels, for `compressionLevel`; the default is the browser's own gzip. */
export type CompressionLevel = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9

/**
 * gzip with the browser's own `CompressionStream` (no code shipped, best ratio in the bench), or
 * fflate at a chosen level — loaded only when a level is asked for or the browser has no
 * CompressionStream.
 */
export async function gzip(raw: Uint8Array, level?: CompressionLevel): Promise<Uint8Array> {
  if (level === undefined && typeof CompressionStream === 'function') return pipe(raw, new CompressionStream('gzip'))
  const { gzipSync } = await import('fflate')
  return gzipSync(raw, { level: level ?? 1 })
}

/** One gzip member back to its bytes. */
export async function gunzip(member: Uint8Array): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'function') return pipe(member, new DecompressionStream('gzip'))
  const { gunzipSync } = await import('fflate')
  return gunzipSync(member)
}

async function pipe(bytes: Uint8Array, transform: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const writer = transform.writable.getWriter()
  void writer.write(bytes as Uint8Array<ArrayBuffer>).catch(() => undefined)
  void writer.close().catch(() => undefined)
  return new Uint8Array(await new Response(transform.readable).arrayBuffer())
}
