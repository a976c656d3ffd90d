import type { SessionStore } from '../store/SessionStore.js'

/** A fresh, empty store for one test of a contract suite, and how to dispose of it. */
export interface OpenedStore {
  store: SessionStore
  dispose(): Promise<void>
}
