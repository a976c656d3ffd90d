import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { USAGE } from './cliOptions.js'
import { listRoutes } from './http/routes.js'
import { ERROR_STATUS } from './ServerError.js'

const guide = readFile(new URL('../../../docs/server.md', import.meta.url), 'utf8')

describe('docs/server.md', () => {
  it('lists every route with the access it needs, and no other', async () => {
    const rows = [...(await guide).matchAll(/^\| `(GET|POST|PUT|PATCH|DELETE) (\/[^`]*)` \| (none|ingest|read|review|erase|admin) \|/gm)]
    const documented = Object.fromEntries(rows.map(([, method, path, access]) => [`${method} ${path}`, access]))
    const routes = Object.fromEntries(listRoutes().map(({ method, path, access }) => [`${method} ${path}`, access ?? 'none']))
    expect(documented).toEqual(routes)
  })

  it('documents every CLI flag and every error code', async () => {
    const text = await guide
    const flags = [...USAGE.matchAll(/^ {2}(--[a-z-]+)/gm)].map(([, flag]) => flag!)
    expect(flags.length).toBeGreaterThan(8)
    expect(flags.filter((flag) => !text.includes(`\`${flag}`))).toEqual([])
    expect(Object.keys(ERROR_STATUS).filter((code) => !text.includes(`\`${code}\``))).toEqual([])
  })
})
