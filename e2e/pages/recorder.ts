// What the test pages expose to Playwright: the recorder; a worker made from a blob, the way
// the script-tag bundle makes it; and direct access to the stored chunks, read around the recorder.
import { createRecorder } from '@tapedeck/core'
import { openDB } from 'idb'

async function blobWorker(): Promise<() => Worker> {
  const source = await (await fetch('/tapedeck-worker.js')).text()
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }))
  return () => new Worker(url, { type: 'module' })
}

/**
 * The recorder's worker with each message the page posts shown to `intercept` first: returning
 * true keeps it from the worker (a test drops it, as a worker that dies would, or holds it and
 * posts it later with `post`).
 */
function interceptedWorker(intercept: (message: unknown, post: () => void) => boolean): Worker {
  const worker = new Worker('/tapedeck-worker.js', { type: 'module' })
  const postMessage = worker.postMessage.bind(worker) as (...args: unknown[]) => void
  ;(worker as unknown as { postMessage: (...args: unknown[]) => void }).postMessage = (...args) => {
    if (!intercept(args[0], () => postMessage(...args))) postMessage(...args)
  }
  return worker
}

/** Marks every stored chunk as sent, as the sync engine does once a server has it. */
async function markAllSent(dbName = 'tapedeck'): Promise<number> {
  const db = await openDB(dbName)
  const tx = db.transaction('chunks', 'readwrite')
  const chunks = await tx.store.getAll()
  for (const chunk of chunks) await tx.store.put({ ...chunk, state: 'sent' })
  await tx.done
  db.close()
  return chunks.length
}

async function chunkStates(dbName = 'tapedeck'): Promise<Array<{ state: string; count: number }>> {
  const db = await openDB(dbName)
  const chunks = await db.getAll('chunks')
  db.close()
  return chunks.map((chunk) => ({ state: chunk.state, count: chunk.count }))
}

/** Installs the offline app shell and waits until it controls the page. */
async function installOfflineShell(): Promise<void> {
  await navigator.serviceWorker.register('/offline-sw.js')
  await navigator.serviceWorker.ready
  if (!navigator.serviceWorker.controller) {
    await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }))
  }
}

Object.assign(window, { tapedeck: { createRecorder, blobWorker, interceptedWorker, markAllSent, chunkStates, installOfflineShell } })
document.body.dataset.ready = 'true'
