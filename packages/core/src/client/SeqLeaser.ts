import type { PackedBatch } from '../events/PackedBatch'
import type { LeaseGrant } from '../engine/protocol'

/** The first block a page asks for; doubled each time batches had to wait for the next one. */
const FIRST_LEASE = 4096
const MAX_LEASE = 1 << 16

/**
 * The page's seq lease (docs/protocol.md §1, engine/SeqLeases): batches of the session are
 * stamped with seqs from blocks the engine leased to this tab alone, so the page holds them as
 * the server will — and can send them itself while it closes (keepaliveTail). Stamping is per
 * batch, when it leaves the page, never per `record()`. A batch that opens or ends a session goes
 * without a stamp (the engine names it; an unstamped batch gives the lease up), and so does every
 * batch of a session the engine would not lease for. Batches keep their order: one that waits for
 * a block holds back those after it.
 */
export class SeqLeaser {
  readonly #request: (sessionId: string, count: number) => Promise<LeaseGrant | undefined>
  #sessionId = ''
  /** The session is stored: a lease may be asked for. */
  #stored = false
  /** The engine would not lease (ended, erased, gone): batches go unstamped. */
  #unleased = false
  #next = 0
  #to = -1
  #upcoming: LeaseGrant | undefined
  /**
   * What is on its way: `block`, a block asked for (one at a time); `first`, the first block,
   * asked for by the batch opening the session, whose answer is not back (no block is asked for
   * until it is, the session being stored only then).
   */
  #awaiting: 'block' | 'first' | undefined
  #size = FIRST_LEASE
  #startedAt = 0
  #tFloor = 0
  readonly #waiting: Array<{ batch: PackedBatch; go: () => void }> = []

  constructor(request: (sessionId: string, count: number) => Promise<LeaseGrant | undefined>) {
    this.#request = request
  }

  /** Stamps the batch now if it may go now (`undefined`); else resolves when it may (stamped or not). */
  stamp(batch: PackedBatch): Promise<void> | undefined {
    if (batch.sessionId !== this.#sessionId) this.#reset(batch.sessionId)
    if (this.#waiting.length === 0 && this.#ready(batch)) return undefined
    this.#ask()
    return new Promise((go) => this.#waiting.push({ batch, go }))
  }

  /** A batch of the session was stored (or the engine answered for it): the session exists. */
  stored(sessionId: string): void {
    if (sessionId !== this.#sessionId) return
    this.#answered()
    if (this.#stored) return
    this.#stored = true
    this.#ask()
  }

  /** The block a batch that opens the session asked for, granted as it was stored. */
  granted(sessionId: string, grant: LeaseGrant): void {
    if (sessionId !== this.#sessionId) return
    if (!this.#unleased && this.#awaiting !== 'block' && this.#to < 0) {
      this.#stored = true
      this.#take(grant)
    }
    this.#answered()
  }

  /** A batch of the session was not stored (the engine failed it): nothing waits for its answer any more. */
  failed(sessionId: string): void {
    if (sessionId === this.#sessionId) this.#answered()
  }

  /**
   * The first seq not stamped yet, while the page holds a lease on `sessionId` and no batch waits
   * for one (a waiting batch goes unstamped should the page close, and gives the lease up itself).
   */
  stampedTo(sessionId: string): number | undefined {
    return sessionId === this.#sessionId && this.#to >= 0 && this.#waiting.length === 0 ? this.#next : undefined
  }

  /**
   * The page may be gone before the batches waiting for a block are stamped: the first of them,
   * which then goes unstamped (from the page's saved copy) and gives the lease up, says how far
   * the page stamped — so the untouched rest is given back, not explained (SeqLeases).
   */
  leaving(): void {
    const first = this.#waiting[0]?.batch
    if (first && this.#to >= 0) first.stampedTo = this.#next
  }

  /**
   * The recorder closes without ending the session (`close()`): no more stamps. Returns what the
   * engine needs to close the lease — its untouched rest given back — when the page holds one.
   */
  release(): { sessionId: string; stampedTo: number } | undefined {
    // A block still on its way is not given back: the next start explains it (the lock is free by then).
    const held = this.#to >= 0 && this.#waiting.length === 0 && this.#awaiting !== 'block' ? { sessionId: this.#sessionId, stampedTo: this.#next } : undefined
    this.#giveUp(false)
    return held
  }

  /** Whether `batch` may go now; stamps it if it should be stamped. */
  #ready(batch: PackedBatch): boolean {
    const types = batch.types
    if (types.includes('session.started') || types.includes('session.ended')) {
      // Opens the session (it may not be stored yet) or ends it: the engine names it, and closes the lease.
      // A block on its way waits for it: the engine has leased it, and only a page that says how
      // far it stamped gets the untouched rest back rather than a seq.skipped.
      // So does the first block, granted with the opening batch's answer (a session ended before
      // that answer came back would leave it leased, unused and unexplained by the page).
      if (this.#awaiting) return false
      if (this.#to >= 0) batch.stampedTo = this.#next
      const ends = types.includes('session.ended')
      this.#giveUp(!ends)
      // The first block comes with the batch's answer (`granted`), not a call after it.
      if (!ends) {
        batch.lease = this.#size
        this.#awaiting = 'first'
      }
      return true
    }
    if (this.#unleased) return true
    const count = batch.ts.length
    if (this.#next + count - 1 > this.#to && this.#upcoming) {
      // What is left of this block stays unused; the engine explains it when the lease closes.
      this.#take(this.#upcoming)
      this.#upcoming = undefined
    }
    if (this.#next + count - 1 > this.#to) return false
    let last = this.#tFloor
    for (let i = 0; i < count; i++) last = Math.max(last, Math.round((batch.at[i]! - this.#startedAt) * 10) / 10)
    batch.stamp = { firstSeq: this.#next, tFloor: this.#tFloor, startedAt: this.#startedAt }
    delete batch.stampedTo // said at a hide, in case it went unstamped (`leaving`)
    this.#next += count
    this.#tFloor = last
    if (this.#to - this.#next < this.#size / 2) this.#ask()
    return true
  }

  #take(grant: LeaseGrant): void {
    this.#next = grant.from
    this.#to = grant.to
    this.#startedAt = grant.startedAt
    this.#tFloor = Math.max(this.#tFloor, grant.lastT)
  }

  /** Asks the engine for the next block, once at a time, once the session is stored. */
  #ask(): void {
    if (this.#awaiting || this.#upcoming || this.#unleased || !this.#stored) return
    if (this.#waiting.length > 0) this.#size = Math.min(MAX_LEASE, this.#size * 2)
    this.#awaiting = 'block'
    const sessionId = this.#sessionId
    void this.#request(sessionId, this.#size)
      .catch(() => undefined)
      .then((grant) => {
        if (sessionId !== this.#sessionId) return
        if (this.#awaiting === 'block') this.#awaiting = undefined
        if (this.#unleased) return this.#drain() // released meanwhile: the waiting go unstamped
        if (!grant) this.#unleased = true
        else if (grant.from === this.#to + 1) this.#to = grant.to
        else if (this.#to < this.#next) this.#take(grant)
        else this.#upcoming = grant
        this.#drain()
      })
  }

  /** The opening batch's answer is back (with a block or without): what waited for it may go. */
  #answered(): void {
    if (this.#awaiting === 'first') this.#awaiting = undefined
    this.#drain()
  }

  /** Lets waiting batches go, in order, as far as the lease reaches. */
  #drain(): void {
    while (this.#waiting.length > 0 && this.#ready(this.#waiting[0]!.batch)) this.#waiting.shift()!.go()
    if (this.#waiting.length > 0) this.#ask()
  }

  /** No more stamps from this lease; `stored`: the session exists (a new start asks again once stored). */
  #giveUp(reopen: boolean): void {
    this.#next = 0
    this.#to = -1
    this.#upcoming = undefined
    this.#stored = false
    this.#unleased = !reopen
  }

  #reset(sessionId: string): void {
    // Batches of the session before go first, unstamped if they still wait (their lease is given up).
    for (const { go } of this.#waiting.splice(0)) go()
    this.#sessionId = sessionId
    this.#awaiting = undefined
    this.#size = FIRST_LEASE
    this.#tFloor = 0
    this.#giveUp(true)
  }
}
