import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin } from 'vite'
import { sourceResolve } from '../../scripts/conditions.mjs'

/** A TapedeckError (`invalid_options`) for an option the script-tag file does not carry: one function, imported by the stubs below. */
const NOT_IN_SCRIPT_TAG = "import { notInScriptTag } from '\0tapedeck-left-out:notInScriptTag'"

/** Modules the script-tag file leaves out, each for a stub that says why if it is ever reached. */
const LEFT_OUT: Record<string, string> = {
  notInScriptTag:
    'export function notInScriptTag(option) { throw Object.assign(new Error(option + " is not in the Tapedeck script-tag build: use @tapedeck/core from npm."), { name: "TapedeckError", code: "invalid_options" }) }',
  // Core's own worker file: init() always passes a factory that starts the worker from this file's code.
  '/core/src/engine/defaultWorker.ts': "export function defaultWorker() { throw new Error('unreachable') }",
  // OpenTelemetry export: `init` refuses transport: 'otlp' up front (see init.ts).
  '/core/src/sync/otlp/index.ts': "export function createOtlpTransport() { throw new Error('unreachable') }",
  // encryptForServer (2.6 KB): `createRecorder` refuses the option up front (the key check is left out too).
  '/core/src/crypto/checkServerKey.ts': `${NOT_IN_SCRIPT_TAG}\nexport function checkEncryptForServer() { notInScriptTag('encryptForServer') }\nexport const checkServerKey = checkEncryptForServer`,
  '/core/src/crypto/sealForServer.ts':
    `${NOT_IN_SCRIPT_TAG}\nconst missing = () => notInScriptTag('encryptForServer')\n` +
    'export const importServerKey = missing, newContentKey = missing, sealEncoded = missing, openEvents = missing, sealPart = missing, openPart = missing',
  // gzip: the browser's CompressionStream does it; fflate would only serve browsers without one, and compressionLevel.
  fflate:
    "const missing = () => { throw new Error('No CompressionStream in this browser: use @tapedeck/core from npm') }\n" +
    'export const gzipSync = missing, gunzipSync = missing, Gunzip = missing',
}

/**
 * The script-tag file is one function holding the page code and the engine. The page calls it;
 * the recorder's worker is started from the same function's source (src/script/bundleWorker.ts),
 * so what the two halves share is shipped once and no other file is fetched.
 */
function scriptTagBuild(): Plugin {
  return {
    name: 'tapedeck:script-tag',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (source.startsWith('\0tapedeck-left-out:')) return source
      if (source === 'fflate') return '\0tapedeck-left-out:fflate'
      if (['otlp', 'defaultWorker', 'sealForServer', 'checkServerKey'].some((name) => source.includes(name))) {
        const resolved = await this.resolve(source, importer, { ...options, skipSelf: true })
        const key = Object.keys(LEFT_OUT).find((suffix) => resolved?.id.endsWith(suffix))
        if (key) return `\0tapedeck-left-out:${key}`
      }
      return null
    },
    load(id) {
      return id.startsWith('\0tapedeck-left-out:') ? LEFT_OUT[id.slice('\0tapedeck-left-out:'.length)] : null
    },
    renderChunk(code) {
      const pattern = /^var Tapedeck = \(function\(exports\) \{/m
      if (!pattern.test(code)) this.error('the IIFE wrapper has an unexpected form: the bundle function cannot be named')
      return { code: code.replace(pattern, 'var Tapedeck = (function TAPEDECK_BUNDLE(exports) {'), map: null }
    },
    generateBundle(_, bundle) {
      const chunk = bundle['tapedeck.js']
      if (chunk?.type !== 'chunk') this.error('tapedeck.js was not built')
      // The ES module build: the same function, its result exported; its URL tells where the siblings are (src/script/loadSibling.ts).
      const names = chunk.exports.filter((name) => /^\w+$/.test(name))
      this.emitFile({
        type: 'asset',
        fileName: 'tapedeck.mjs',
        source: `const TAPEDECK_MODULE_URL = import.meta.url;\n${chunk.code.trimEnd()}\nexport default Tapedeck;\nexport const { ${names.join(', ')} } = Tapedeck;\n`,
      })
    },
  }
}

/** Dynamic imports that load a sibling file of tapedeck.js (src/script/siblings/) instead. */
const SIBLINGS: Array<[RegExp, string]> = [
  [/^@tapedeck\/core\/instrument$/, 'llm'],
  [/\/audio\/createAudioCapture(\.ts)?$/, 'audio'],
  [/^@tapedeck\/core\/realtime$/, 'realtime'],
  [/^\.\/erasure$/, 'erasure'],
  [/^\.\/startCapture$/, 'capture'],
]
const LOAD_SIBLING = fileURLToPath(new URL('./src/script/loadSibling.ts', import.meta.url))

/** A sibling file: an IIFE that sets its global (`TapedeckLlm`, `TapedeckAudio`, `TapedeckRealtime`, `TapedeckErasure`, `TapedeckCapture`) for tapedeck.js to take. */
function siblingBuild(name: string, global: string) {
  return {
    ...sourceResolve,
    build: {
      lib: { entry: `src/script/siblings/${name}.ts`, formats: ['iife' as const], name: global, fileName: () => `tapedeck-${name}.js` },
      target: 'es2022',
      minify: true,
      sourcemap: false,
      emptyOutDir: false,
      reportCompressedSize: false,
    },
  }
}

/**
 * In the one file, a dynamic `import()` loads nothing: the module is in the file already. Made
 * static, the module is not wrapped for a lazy start (a wrapper per module, 41 of them): about
 * 500 bytes gzip. `const { a } = await import('x')` and `import('x').then(({ a }) => …)` import
 * just the names they take, so no namespace object is built for them either. Core's modules have
 * no side effects, so running them at start-up rather than on first use changes nothing.
 */
function staticImports(): Plugin {
  return {
    name: 'tapedeck:static-imports',
    enforce: 'post',
    transform(source, id) {
      if (id.includes('/node_modules/') || !source.includes('import(')) return null
      const imports: string[] = []
      // The parts left to sibling files are loaded from beside the script instead.
      const code = source.replace(/\bimport\(\s*(['"])([^'"]+)\1\s*\)/g, (whole, _q, module: string) => {
        const sibling = SIBLINGS.find(([pattern]) => pattern.test(module))?.[1]
        if (!sibling) return whole
        if (!imports.length) imports.push(`import { loadSibling as __tapedeck_sibling } from ${JSON.stringify(LOAD_SIBLING)};`)
        return `__tapedeck_sibling(${JSON.stringify(sibling)})`
      })
      const named = (source: string, pattern: string) => {
        const fields = pattern.split(',').map((field) => field.split(/[:=]/)[0]!.trim()).filter(Boolean)
        const object = fields.map((name) => {
          const local = `__tapedeck_${imports.length}`
          imports.push(`import { ${name} as ${local} } from ${JSON.stringify(source)};`)
          return `${name}: ${local}`
        })
        return `Promise.resolve({ ${object.join(', ')} })`
      }
      const out = code
        .replace(/(const\s*\{([^}]*)\}\s*=\s*await\s+)import\(\s*(['"])([^'"]+)\3\s*\)/g, (_, head: string, fields: string, _q, source: string) => head + named(source, fields))
        .replace(/\bimport\(\s*(['"])([^'"]+)\1\s*\)(?=\.then\(\(\{([^}]*)\}\)\s*=>)/g, (_, _q, source: string, fields: string) => named(source, fields))
        .replace(/\bimport\(\s*(['"])([^'"]+)\1\s*\)/g, (_, _q, source: string) => {
          const local = `__tapedeck_${imports.length}`
          imports.push(`import * as ${local} from ${JSON.stringify(source)};`)
          return `Promise.resolve(${local})`
        })
      return imports.length ? { code: imports.join('') + out, map: null } : null
    },
  }
}

export default defineConfig(({ mode }) =>
  mode === 'llm'
    ? siblingBuild('llm', 'TapedeckLlm')
    : mode === 'audio'
    ? siblingBuild('audio', 'TapedeckAudio')
    : mode === 'realtime'
    ? siblingBuild('realtime', 'TapedeckRealtime')
    : mode === 'erasure'
    ? siblingBuild('erasure', 'TapedeckErasure')
    : mode === 'capture'
    ? siblingBuild('capture', 'TapedeckCapture')
    : mode === 'script'
    ? {
        ...sourceResolve,
        plugins: [scriptTagBuild(), staticImports()],
        build: {
          lib: { entry: 'src/script/main.ts', formats: ['iife'], name: 'Tapedeck', fileName: () => 'tapedeck.js' },
          target: 'es2022',
          minify: true,
          sourcemap: false,
          emptyOutDir: false,
          reportCompressedSize: false,
        },
      }
    : {
        // The npm entries: core stays external (the app's bundler resolves it once).
        build: {
          lib: { entry: { index: 'src/index.ts', define: 'src/define.ts' }, formats: ['es'] },
          target: 'es2022',
          sourcemap: true,
          rolldownOptions: { external: (id) => id === '@tapedeck/core' || id.startsWith('@tapedeck/core/') },
        },
      },
)
