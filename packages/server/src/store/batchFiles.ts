import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { isRecord } from '../summary/isRecord.js'
import { isCode } from './durableWrite.js'
import type { WireEvent } from './SessionStore.js'

/**
 * One committed batch is one immutable file `{first}-{last}-{keyHash}.ndjson` holding the
 * events it stored, in seq order; first and last are the seqs it holds (the header's range
 * when it holds none). The name is the index: seq order for reading, the key for repeats.
 */
export interface BatchFile {
  name: string
  first: number
  last: number
  keyHash: string
}

const NAME = /^(\d{1,16})-(\d{1,16})-([0-9a-f]{32})\.ndjson$/

export function keyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 32)
}

export function batchFileName(first: number, last: number, hash: string): string {
  const pad = (seq: number) => String(seq).padStart(12, '0')
  return `${pad(first)}-${pad(last)}-${hash}.ndjson`
}

/** The names in a directory; none when it does not exist (yet). */
export async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir)
  } catch (error) {
    if (isCode(error, 'ENOENT')) return []
    throw error
  }
}

/** Committed batches of a directory by first seq; anything else in it (a stray temp file) is ignored. */
export async function listBatchFiles(dir: string): Promise<BatchFile[]> {
  const names = await readdirOrEmpty(dir)
  const batches: BatchFile[] = []
  for (const name of names) {
    const match = NAME.exec(name)
    if (match) batches.push({ name, first: Number(match[1]), last: Number(match[2]), keyHash: match[3]! })
  }
  return batches.sort((a, b) => a.first - b.first || a.last - b.last)
}

/**
 * The events of a batch file. A line that does not parse as an event (a torn tail, damage)
 * is skipped, so it never hides the events around it.
 */
export async function readBatchFile(path: string): Promise<WireEvent[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if (isCode(error, 'ENOENT')) return []
    throw error
  }
  const events: WireEvent[] = []
  for (const line of text.split('\n')) {
    const event = parseEvent(line)
    if (event) events.push(event)
  }
  return events
}

/** The events of a folder's batch files in seq order, from `fromSeq` on, read a file at a time. */
export async function* readBatchEvents(dir: string, fromSeq: number): AsyncGenerator<WireEvent> {
  const batches = (await listBatchFiles(dir)).filter((batch) => batch.last >= fromSeq)
  // Files are sorted by first seq and hold disjoint seqs: whatever is below the next
  // file's first seq is final. Usually `pending` is one batch.
  let pending: WireEvent[] = []
  for (const [index, batch] of batches.entries()) {
    const events = (await readBatchFile(join(dir, batch.name))).filter((event) => event.seq >= fromSeq)
    pending = mergeBySeq(pending, events)
    const next = batches[index + 1]?.first ?? Number.POSITIVE_INFINITY
    const cut = pending.findIndex((event) => event.seq >= next)
    yield* cut === -1 ? pending : pending.slice(0, cut)
    pending = cut === -1 ? [] : pending.slice(cut)
  }
}

function parseEvent(line: string): WireEvent | null {
  try {
    const value: unknown = JSON.parse(line)
    return isRecord(value) && Number.isSafeInteger(value.seq) && typeof value.type === 'string' ? (value as WireEvent) : null
  } catch {
    return null
  }
}

function mergeBySeq(a: readonly WireEvent[], b: readonly WireEvent[]): WireEvent[] {
  if (a.length === 0) return [...b]
  const merged: WireEvent[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]!.seq < b[j]!.seq)) merged.push(a[i++]!)
    else merged.push(b[j++]!)
  }
  return merged
}
