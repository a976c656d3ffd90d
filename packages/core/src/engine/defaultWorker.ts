/**
 * The bundled worker, written in the `new URL('./…', import.meta.url)` form that app bundlers
 * (Vite, webpack 5, Parcel) recognise and bundle. Its own module, so a build that starts its
 * worker another way (the script-tag file) can leave it out.
 */
export function defaultWorker(): Worker {
  return new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'tapedeck' })
}
