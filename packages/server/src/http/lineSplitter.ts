import { ServerError } from '../serverError.js'

const NEWLINE = 0x0a

/** Splits a byte stream into lines, refusing any line longer than `maxLineBytes` as soon as it gets there. */
export class LineSplitter {
  private pieces: Uint8Array[] = []
  private pending = 0
  private lineNumber = 0

  constructor(
    private readonly maxLineBytes: number,
    private readonly onLine: (line: Uint8Array, lineNumber: number) => void,
  ) {}

  push(chunk: Uint8Array): void {
    let start = 0
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, start)
      if (newline === -1) {
        this.keep(chunk.subarray(start))
        return
      }
      this.keep(chunk.subarray(start, newline))
      this.emit()
      start = newline + 1
    }
  }

  /** Emits a last line that has no newline after it. */
  end(): void {
    if (this.pending > 0) this.emit()
  }

  private keep(part: Uint8Array): void {
    if (part.length === 0) return
    this.pending += part.length
    if (this.pending > this.maxLineBytes) {
      throw new ServerError('line_too_long', `Line ${this.lineNumber + 1} is longer than ${this.maxLineBytes} bytes.`)
    }
    this.pieces.push(part)
  }

  private emit(): void {
    this.lineNumber += 1
    const line = this.pieces.length === 1 ? this.pieces[0]! : concat(this.pieces, this.pending)
    this.pieces = []
    this.pending = 0
    this.onLine(line, this.lineNumber)
  }
}

function concat(pieces: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length)
  let offset = 0
  for (const piece of pieces) {
    out.set(piece, offset)
    offset += piece.length
  }
  return out
}
