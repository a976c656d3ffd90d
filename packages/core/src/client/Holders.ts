/**
 * Who holds the recorder (`retain()`/`release()`, a React provider say): when the last holder
 * lets go, `idle` runs a task later, unless a holder takes it again first (React's StrictMode and
 * Fast Refresh unmount and mount again in one go).
 */
export class Holders {
  #count = 0
  #timer: ReturnType<typeof setTimeout> | undefined
  readonly #idle: () => void

  constructor(idle: () => void) {
    this.#idle = idle
  }

  /** Some holder has not let go yet. */
  get held(): boolean {
    return this.#count > 0
  }

  retain(): void {
    this.#count++
    this.cancel()
  }

  release(): void {
    this.#count = Math.max(0, this.#count - 1)
    if (this.#count > 0 || this.#timer !== undefined) return
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      if (this.#count === 0) this.#idle()
    }, 0)
  }

  /** Takes back the scheduled `idle` (the recorder is closed explicitly, or held again). */
  cancel(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
  }
}
