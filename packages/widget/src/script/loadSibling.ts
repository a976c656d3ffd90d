/** The parts the script-tag file leaves to files beside it, by name: the global each one sets. */
const SIBLINGS = { llm: 'TapedeckLlm', audio: 'TapedeckAudio', realtime: 'TapedeckRealtime', erasure: 'TapedeckErasure', capture: 'TapedeckCapture' } as const
export type SiblingName = keyof typeof SIBLINGS

/** In tapedeck.mjs, a module, the module's URL (set before the bundle function: vite.config.ts). */
declare const TAPEDECK_MODULE_URL: string | undefined

// Where tapedeck.js came from, taken while it runs (later, `document.currentScript` is another
// script). In the recorder's worker, which runs the same file, there is no document.
const current = typeof document === 'undefined' ? null : (document.currentScript as HTMLScriptElement | null)
const base = typeof TAPEDECK_MODULE_URL === 'string' ? TAPEDECK_MODULE_URL : current?.src || undefined
const nonce = current?.nonce ?? ''
const loading: Partial<Record<SiblingName, Promise<unknown>>> = {}

/**
 * The script-tag file's sibling `tapedeck-<name>.js`, loaded once from beside tapedeck.js (with
 * the same CSP nonce) by a <script> tag. A page that already loaded it (its own <script> tag) is
 * not asked again. Rejects when the file cannot load (and tries again on the next call).
 */
export function loadSibling<T>(name: SiblingName): Promise<T> {
  const global = SIBLINGS[name]
  const loaded = () => (globalThis as Record<string, unknown>)[global] as T | undefined
  return (loading[name] ??= new Promise<T>((resolve, reject) => {
    const ready = loaded()
    if (ready) return resolve(ready)
    const script = document.createElement('script')
    script.src = new URL(`tapedeck-${name}.js`, base ?? document.baseURI).href
    if (nonce) script.nonce = nonce
    const fail = () => {
      delete loading[name]
      reject(new Error(`Tapedeck could not load ${script.src}: serve tapedeck-${name}.js beside tapedeck.js.`))
    }
    script.onload = () => {
      const module = loaded()
      if (module) resolve(module)
      else fail()
    }
    script.onerror = fail
    document.head.append(script)
  })) as Promise<T>
}
