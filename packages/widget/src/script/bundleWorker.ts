/**
 * In a built script-tag file (tapedeck.js, tapedeck.mjs), the function that holds the whole file:
 * vite.config.ts gives it this name. Not defined when running from sources.
 */
declare const TAPEDECK_BUNDLE: ((exports: object) => unknown) | undefined

/** Whether this code runs from a built script-tag file. */
export function isScriptBuild(): boolean {
  return typeof TAPEDECK_BUNDLE === 'function'
}

/**
 * The recorder's worker, made from the script-tag file's own source: the file holds the page
 * code and the engine in one function, so the code they share is shipped once, and no other
 * file is fetched. Started in a worker, the same function runs the engine (see main.ts).
 * `undefined` when running from sources: the core's own worker is used then.
 */
export function bundleWorker(): (() => Worker) | undefined {
  const bundle = typeof TAPEDECK_BUNDLE === 'function' ? TAPEDECK_BUNDLE : undefined
  if (!bundle) return undefined
  let url: string | undefined
  return () => {
    url ??= URL.createObjectURL(new Blob([`(${String(bundle)})({})`], { type: 'text/javascript' }))
    return new Worker(url, { name: 'tapedeck' })
  }
}
