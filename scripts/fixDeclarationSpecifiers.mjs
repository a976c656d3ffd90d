/**
 * Gives the relative imports of emitted declaration files the extension Node's resolution needs.
 *
 * The sources import without extensions (`./client/createRecorder`), which bundlers resolve and
 * tsc copies into the `.d.ts` files as they are. An app whose tsconfig says `"moduleResolution":
 * "NodeNext"` (or "Node16") cannot follow such a path: every type re-exported through it silently
 * becomes `any`. This rewrites each to the file it names: `./x.js` for `x.d.ts`, `./x/index.js`
 * for a folder. A specifier that names neither is left as it is.
 *
 * Usage: node scripts/fixDeclarationSpecifiers.mjs <dist folder>   (run after `tsc` emits)
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

// `from '…'`, `import '…'`, `import('…')`: the places a module specifier stands in a .d.ts.
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]*)\2/g
const HAS_EXTENSION = /\.(?:[cm]?js|json)$/

export function fixSpecifiers(text, fileDir) {
  return text.replace(SPECIFIER, (match, before, quote, specifier) => {
    if (HAS_EXTENSION.test(specifier)) return match
    const target = resolve(fileDir, specifier)
    if (existsSync(`${target}.d.ts`)) return `${before}${quote}${specifier}.js${quote}`
    if (existsSync(join(target, 'index.d.ts'))) return `${before}${quote}${specifier}/index.js${quote}`
    return match
  })
}

function declarationFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return declarationFiles(path)
    return name.endsWith('.d.ts') ? [path] : []
  })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dist = process.argv[2]
  if (!dist || !existsSync(dist)) {
    console.error('usage: node scripts/fixDeclarationSpecifiers.mjs <dist folder>')
    process.exit(2)
  }
  let changed = 0
  for (const file of declarationFiles(dist)) {
    const text = readFileSync(file, 'utf8')
    const fixed = fixSpecifiers(text, dirname(file))
    if (fixed !== text) {
      writeFileSync(file, fixed)
      changed++
    }
  }
  console.log(`declarations: relative imports given extensions in ${changed} file(s) of ${dist}`)
}
