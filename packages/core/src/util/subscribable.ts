export type Listener = () => void

/**
 * The one contract for every stateful object in Tapedeck: `subscribe(listener) → unsubscribe`
 * plus a stable `getSnapshot()` (a new object only when something changed), which is what
 * React's `useSyncExternalStore` and the widget read.
 */
export class Store<T> {
  // Protected, not private: an object with needs of its own (the player's) extends the store.
  protected listeners = new Set<Listener>()

  constructor(protected snapshot: T) {}

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  getSnapshot = (): T => this.snapshot

  /** Replaces the snapshot with a changed copy and tells every listener. */
  update(change: Partial<T> | ((current: T) => Partial<T>)): void {
    const patch = typeof change === 'function' ? change(this.snapshot) : change
    this.snapshot = { ...this.snapshot, ...patch }
    for (const listener of this.listeners) {
      try {
        listener()
      } catch (error) {
        // A listener that throws must not break recording or the other listeners.
        queueMicrotask(() => {
          throw error
        })
      }
    }
  }
}
