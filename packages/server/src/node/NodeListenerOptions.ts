/** Options of toNodeListener (and serve); kept apart from it so that serve's types name nothing of node:http. */
export interface NodeListenerOptions {
  /**
   * A body the handler refused without reading all of it (a 413, a 401) is read and discarded
   * up to this many bytes, so that every client (Node's fetch too) gets to read the answer;
   * past it the connection is closed. Default 16 MiB.
   */
  maxDrainBytes?: number
}

export const DEFAULT_MAX_DRAIN_BYTES = 16 * 1024 * 1024
