// Checks the import graph of each package's sources: no cycles (static imports, `import type`
// included: a cycle of types is still two files that cannot be read one after the other), and
// the layering rules of CONTRIBUTING.md. Prints what it finds; exits 1 on any.
//   node scripts/checkImports.mjs
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const packages = ['core', 'player', 'react', 'server', 'studio']

/** A folder must not import from these folders (paths inside packages/<name>/src). */
const LAYERS = {
  core: [
    ['util/', 'storage/'],
    ['events/', 'storage/'],
    ['audio/', 'client/'],
  ],
}

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sources(path)
    return /\.tsx?$/.test(name) && !/\.test(-d)?\.tsx?$/.test(name) ? [path] : []
  })
}

function resolveImport(from, specifier) {
  if (!specifier.startsWith('.')) return undefined
  const base = resolve(dirname(from), specifier.replace(/\.js$/, ''))
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate
  }
  return undefined
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/g

let problems = 0
for (const name of packages) {
  const src = join(root, 'packages', name, 'src')
  const graph = new Map()
  for (const file of sources(src)) {
    const text = readFileSync(file, 'utf8')
    const targets = [...text.matchAll(IMPORT)].map((m) => resolveImport(file, m[1])).filter(Boolean)
    graph.set(file, targets)
  }
  for (const [file, targets] of graph) {
    const at = relative(src, file)
    for (const [folder, banned] of LAYERS[name] ?? []) {
      if (!at.startsWith(folder)) continue
      for (const target of targets) {
        if (relative(src, target).startsWith(banned)) {
          problems++
          console.log(`${name}: ${at} imports ${relative(src, target)} (${folder} must not import from ${banned})`)
        }
      }
    }
  }
  // Cycles: depth-first search, each cycle reported once (by its smallest member).
  const state = new Map()
  const stack = []
  const seen = new Set()
  const visit = (file) => {
    state.set(file, 'open')
    stack.push(file)
    for (const target of graph.get(file) ?? []) {
      if (state.get(target) === 'open') {
        const cycle = stack.slice(stack.indexOf(target)).map((f) => relative(src, f))
        const key = [...cycle].sort().join(' ')
        if (!seen.has(key)) {
          seen.add(key)
          problems++
          console.log(`${name}: import cycle ${[...cycle, cycle[0]].join(' → ')}`)
        }
      } else if (!state.has(target)) visit(target)
    }
    stack.pop()
    state.set(file, 'done')
  }
  for (const file of graph.keys()) if (!state.has(file)) visit(file)
}
if (problems === 0) console.log(`imports: no cycles, layers respected (${packages.join(', ')})`)
process.exit(problems === 0 ? 0 : 1)
