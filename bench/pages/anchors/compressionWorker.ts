/// <reference lib="webworker" />
/**
 * Compression in a worker, as the recorder compresses: fflate's `gzipSync`, and the native
 * `CompressionStream`. Also tells which of them made a chunk the recorder stored.
 */
import { expose } from 'comlink'
import { gzipSync, type GzipOptions } from 'fflate'

let input: Uint8Array = new Uint8Array(0)

export type CompressionMethod = { kind: 'fflate'; level: NonNullable<GzipOptions['level']>; mem?: GzipOptions['mem'] } | { kind: 'native' }

async function nativeGzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'))
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

async function gunzip(member: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([member as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'))
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

function fflateGzip(bytes: Uint8Array, method: Extract<CompressionMethod, { kind: 'fflate' }>): Uint8Array {
  return gzipSync(bytes, method.mem === undefined ? { level: method.level } : { level: method.level, mem: method.mem })
}

/**
 * A gzip member without its header (RFC 1952): the deflate stream and the trailer. Headers differ
 * between encoders (time, flags, OS byte) even for the same deflate stream.
 */
function body(member: Uint8Array): Uint8Array {
  if (member[0] !== 0x1f || member[1] !== 0x8b || member[2] !== 8) throw new Error('not a gzip member (deflate)')
  const flags = member[3]!
  let at = 10
  if (flags & 4) at += 2 + (member[at]! | (member[at + 1]! << 8)) // FEXTRA
  if (flags & 8) while (member[at++] !== 0 && at < member.length); // FNAME
  if (flags & 16) while (member[at++] !== 0 && at < member.length); // FCOMMENT
  if (flags & 2) at += 2 // FHCRC
  return member.subarray(at)
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false
  return true
}

const api = {
  setInput(bytes: Uint8Array): number {
    input = bytes
    return input.byteLength
  },

  /**
   * Which method made `member` (a chunk as the recorder stored it): its bytes are decompressed
   * and compressed again by every candidate — the native stream, fflate at each level with its
   * default memory, then at every memory setting — and the candidates whose deflate stream is
   * the stored one, byte for byte, are returned. Deflate output is deterministic per encoder and
   * settings, so this reads the recorder's choice from what it did, not from its source.
   */
  async identify(member: Uint8Array): Promise<{ matches: CompressionMethod[]; rawBytes: number; storedBytes: number }> {
    const raw = await gunzip(member)
    const stored = body(member)
    const matches: CompressionMethod[] = []
    if (same(body(await nativeGzip(raw)), stored)) matches.push({ kind: 'native' })
    const levels = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] as const
    for (const level of levels) if (same(body(fflateGzip(raw, { kind: 'fflate', level })), stored)) matches.push({ kind: 'fflate', level })
    if (matches.length === 0) {
      const mems = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] as const
      for (const level of levels) {
        for (const mem of mems) if (same(body(fflateGzip(raw, { kind: 'fflate', level, mem })), stored)) matches.push({ kind: 'fflate', level, mem })
      }
    }
    return { matches, rawBytes: raw.byteLength, storedBytes: member.byteLength }
  },

  /**
   * Compresses the input once, whole or (`pieceBytes`) in pieces of that size, each its own gzip
   * member as the recorder writes chunks; returns the time it took and the size it came to.
   */
  async compress(method: CompressionMethod, pieceBytes = input.byteLength): Promise<{ ms: number; inBytes: number; outBytes: number }> {
    const started = performance.now()
    let outBytes = 0
    for (let offset = 0; offset < input.byteLength; offset += pieceBytes) {
      const piece = input.subarray(offset, offset + pieceBytes)
      outBytes += method.kind === 'fflate' ? fflateGzip(piece, method).byteLength : (await nativeGzip(piece)).byteLength
    }
    return { ms: performance.now() - started, inBytes: input.byteLength, outBytes }
  },
}

export type CompressionApi = typeof api
expose(api)
