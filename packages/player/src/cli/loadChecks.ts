import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Check } from '../eval/Check'
import { playerError } from '../playerError'

type ChecksExport = readonly Check[] | (() => readonly Check[] | Promise<readonly Check[]>)

async function importModule(path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(resolve(path)).href
  try {
    return (await import(/* @vite-ignore */ url)) as Record<string, unknown>
  } catch (error) {
    // Node < 22.18 does not strip TypeScript types itself: tsx, when installed, does.
    if ((error as { code?: unknown }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error
    let tsx: { tsImport(specifier: string, parent: string): Promise<Record<string, unknown>> }
    try {
      tsx = (await import(/* @vite-ignore */ 'tsx/esm/api')) as typeof tsx
    } catch {
      throw playerError('invalid_options', `${path} is TypeScript and this Node cannot import it: install tsx (npm i -D tsx), use Node 22.18 or later, or write the checks in .js.`, error)
    }
    return tsx.tsImport(url, import.meta.url)
  }
}

/**
 * The checks a module exports: `export default [...]`, `export const checks = [...]`, or either as
 * a function (async or not) returning them.
 */
export async function loadChecks(path: string): Promise<Check[]> {
  const module = await importModule(path)
  const exported = (module.checks ?? module.default) as ChecksExport | undefined
  const checks = typeof exported === 'function' ? await exported() : exported
  if (!Array.isArray(checks) || checks.some((check) => typeof check?.name !== 'string' || typeof check?.run !== 'function')) {
    throw playerError('invalid_options', `${path} must export its checks: export default [latencyBudget({ … }), …] (or export const checks).`)
  }
  return [...checks]
}
