import { defineConfig } from 'vite'

const EXTERNAL = ['@tapedeck/core', 'fflate', '@cfworker/json-schema', 'tsx']

// Library build, ES module entries: the package (browser and Node), `node` (folders, the
// `tapedeck eval` command) and `playwright` (the failed-test fixture). Dependencies and Node's
// built-ins stay external: the app's bundler (or Node) resolves them, so there is one copy of
// each next to the recorder.
export default defineConfig({
  build: {
    lib: { entry: { index: 'src/index.ts', node: 'src/node.ts', playwright: 'src/playwright.ts' }, formats: ['es'] },
    target: 'es2022',
    sourcemap: true,
    rolldownOptions: {
      external: (id) => id.startsWith('node:') || EXTERNAL.some((name) => id === name || id.startsWith(`${name}/`)),
    },
  },
})
