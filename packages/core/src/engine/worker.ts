/// <reference lib="webworker" />
/** The worker entry: one engine, exposed through comlink; it says when it is ready. */
import { expose } from 'comlink'
import { RecorderEngine } from './RecorderEngine'
import { READY_MESSAGE } from './protocol'

expose(new RecorderEngine())
;(self as unknown as DedicatedWorkerGlobalScope).postMessage(READY_MESSAGE)
