/// <reference lib="webworker" />
/** The worker entry: one engine, exposed through comlink; it says when it is ready. */
import { serveEngine } from './serveEngine'

serveEngine()
