/** How to get PostgreSQL support, said when `pg` is missing. */
export const PG_MISSING =
  'PostgreSQL needs the `pg` package, an optional peer dependency of @tapedeck/server that is not installed. ' +
  'Install it next to @tapedeck/server (`npm install pg`; with npx: `npx -p @tapedeck/server -p pg tapedeck-server …`), or use the file store.'

/** The `pg` driver, imported on first use so that apps on the file store need not install it. */
export async function loadPg(): Promise<(typeof import('pg'))['default']> {
  try {
    return (await import('pg')).default
  } catch (error) {
    if (isMissing(error)) throw new Error(PG_MISSING, { cause: error })
    throw error
  }
}

function isMissing(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown }
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && typeof message === 'string' && /['"]pg['"]/.test(message)
}
