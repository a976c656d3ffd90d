import { ServerError } from '../ServerError.js'

const NEWLINE = 0x0a

function isBlank(byte: number): boolean {
  return byte === NEWLINE || byte === 0x20 || byte === 0x0d || byte === 0x09
}

/**
 * Splits a byte stream into lines, refusing any line longer than `maxLineBytes` as soon as it
 * gets there. Whitespace between lines is skipped byte by byte, never emitted: a body of
 * millions of blank lines costs a scan, not a million callbacks.
 */
export class LineSplitter {
  private pieces: Uint8Array[] = []
  private pending = 0
  private lineNumber = 1

  constructor(
    private readonly maxLineBytes: number,
    private readonly onLine: (line: Uint8Array, lineNumber: number) => void,
  ) {}

  push(chunk: Uint8Array): void {
    let start = 0
    while (start < chunk.length) {
      if (this.pending === 0) {
        while (start < chunk.length && isBlank(chunk[start]!)) {
          if (chunk[start] === NEWLINE) this.lineNumber += 1
          start += 1
        }
        if (start === chunk.length) return
      }
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
      throw new ServerError('line_too_long', `Line ${this.lineNumber} is longer than ${this.maxLineBytes} bytes.`)
    }
    this.pieces.push(part)
  }

  private emit(): void {
    const line = this.pieces.length === 1 ? this.pieces[0]! : concat(this.pieces, this.pending)
    this.pieces = []
    this.pending = 0
    this.onLine(line, this.lineNumber)
    this.lineNumber += 1
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
