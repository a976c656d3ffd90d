/**
 * One track of PCM16 audio that arrives in pieces (Realtime WebSocket `input_audio_buffer.append`
 * and `response.output_audio.delta`), laid on the session clock and cut into parts of about one
 * second. Pieces that follow each other without a gap make one run (one blob, parts in order);
 * a gap starts a new run, so a part's place in its blob is its place in time. A part is written
 * only once it has been heard (its end is in the past): audio the server sent ahead of playback
 * and the app then dropped (a barge-in, `cut()`) is never stored.
 */

/** A piece placed within this much after the run's end still continues it (timer jitter, a busy thread). */
export const RUN_GAP_MS = 100
/** Default part length. */
export const PCM_SLICE_MS = 1000
const BYTES_PER_SAMPLE = 2

export interface PcmPart {
  blobId: string
  part: number
  startT: number
  durationMs: number
  sampleRate: number
  pcm: Uint8Array
}

export interface PcmTrackOptions {
  /** Session time now, ms. */
  now(): number
  newBlobId(): string
  /** Stores one part (in order within a blob); called one part at a time. */
  write(part: PcmPart): Promise<void>
  sliceMs?: number
}

interface Run {
  blobId: string
  sampleRate: number
  nextPart: number
  /** Session time of the run's first sample. */
  startT: number
  /** Samples written as parts, and samples waiting after them. */
  written: number
  pending: Uint8Array[]
  pendingSamples: number
}

export class PcmTrack {
  #run: Run | null = null
  #chain: Promise<void> = Promise.resolve()
  /** Runs that ended and still hold audio not yet heard. */
  readonly #closing: Run[] = []
  /** Session time the last audio added ends (or where a cut stopped it). */
  #lastEnd = -Infinity
  #timer: ReturnType<typeof setTimeout> | undefined
  readonly #options: PcmTrackOptions

  constructor(options: PcmTrackOptions) {
    this.#options = options
  }

  /**
   * A piece of audio that starts no earlier than `earliestT` (session ms): right after the run's
   * end when it follows on, else a new run at `earliestT` (or when the audio before it ends,
   * if later: one voice does not overlap itself).
   */
  add(pcm: Uint8Array, sampleRate: number, earliestT: number): void {
    const samples = Math.floor(pcm.byteLength / BYTES_PER_SAMPLE)
    if (samples === 0) return
    let run = this.#run
    if (run && (run.sampleRate !== sampleRate || earliestT > this.#endT(run) + RUN_GAP_MS)) {
      this.#close()
      run = null
    }
    if (!run) {
      run = { blobId: this.#options.newBlobId(), sampleRate, nextPart: 0, startT: Math.max(earliestT, this.#lastEnd), written: 0, pending: [], pendingSamples: 0 }
      this.#run = run
    }
    run.pending.push(pcm.byteLength === samples * BYTES_PER_SAMPLE ? pcm : pcm.subarray(0, samples * BYTES_PER_SAMPLE))
    run.pendingSamples += samples
    this.#lastEnd = this.#endT(run)
    this.#flush(false)
  }

  /** Session time the audio added so far ends. */
  endT(): number {
    return this.#lastEnd
  }

  /** The run ends here (a new response): what it holds is written once heard. */
  end(): void {
    this.#close()
  }

  /** Playback stopped at `atT` (a barge-in): audio after it, of this run or of runs queued before it, was never heard and is dropped. */
  cut(atT: number): void {
    this.#close()
    for (const run of this.#closing) {
      const keep = Math.min(run.pendingSamples, Math.max(0, Math.round(((atT - run.startT) * run.sampleRate) / 1000) - run.written))
      if (keep === run.pendingSamples) continue
      run.pending = keep ? [concat(run.pending, run.pendingSamples).subarray(0, keep * BYTES_PER_SAMPLE)] : []
      run.pendingSamples = keep
    }
    this.#lastEnd = Math.min(this.#lastEnd, atT)
    this.#flush(false)
  }

  /** Writes everything held now, heard or not (the recording stops); resolves when it is stored. */
  drain(): Promise<void> {
    this.#flush(true)
    this.#run = null
    clearTimeout(this.#timer)
    this.#timer = undefined
    return this.#chain
  }

  #endT(run: Run): number {
    return run.startT + ((run.written + run.pendingSamples) * 1000) / run.sampleRate
  }

  /** Closes the run: its remaining audio is written as it is heard, then it is let go. */
  #close(): void {
    const run = this.#run
    if (!run) return
    this.#run = null
    this.#closing.push(run)
    this.#flush(false)
  }

  /** Writes the parts that are due: full slices already heard, and the heard tail of a closed or quiet run. */
  #flush(all: boolean): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    const now = this.#options.now()
    const slice = this.#options.sliceMs ?? PCM_SLICE_MS
    let wait = Infinity
    for (const run of [...this.#closing, ...(this.#run ? [this.#run] : [])]) {
      const closed = run !== this.#run
      while (run.pendingSamples > 0) {
        const sliceSamples = Math.max(1, Math.round((slice * run.sampleRate) / 1000))
        const take = Math.min(sliceSamples, run.pendingSamples)
        const sliceEnd = run.startT + ((run.written + take) * 1000) / run.sampleRate
        const quiet = closed || now >= this.#endT(run) + RUN_GAP_MS
        if (!all) {
          if (sliceEnd > now) {
            wait = Math.min(wait, sliceEnd - now)
            break
          }
          if (take < sliceSamples && !quiet) {
            wait = Math.min(wait, this.#endT(run) + RUN_GAP_MS - now)
            break
          }
        }
        this.#writePart(run, take)
      }
      if (closed && run.pendingSamples === 0) this.#closing.splice(this.#closing.indexOf(run), 1)
    }
    if (all) this.#closing.length = 0
    else if (wait !== Infinity) this.#timer = setTimeout(() => this.#flush(false), Math.max(20, Math.min(wait + 5, 1000)))
  }

  #writePart(run: Run, samples: number): void {
    const all = concat(run.pending, run.pendingSamples)
    const pcm = all.slice(0, samples * BYTES_PER_SAMPLE)
    const rest = all.subarray(samples * BYTES_PER_SAMPLE)
    run.pending = rest.byteLength ? [rest] : []
    run.pendingSamples -= samples
    const part: PcmPart = {
      blobId: run.blobId,
      part: run.nextPart++,
      startT: round(run.startT + (run.written * 1000) / run.sampleRate),
      durationMs: round((samples * 1000) / run.sampleRate),
      sampleRate: run.sampleRate,
      pcm,
    }
    run.written += samples
    this.#chain = this.#chain.then(() => this.#options.write(part)).catch(() => undefined) // write reports its own failures
  }
}

function concat(pieces: Uint8Array[], samples: number): Uint8Array {
  if (pieces.length === 1) return pieces[0]!
  const out = new Uint8Array(samples * BYTES_PER_SAMPLE)
  let at = 0
  for (const piece of pieces) {
    out.set(piece, at)
    at += piece.byteLength
  }
  return out
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10
}
