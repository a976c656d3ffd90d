import { defineConfig } from 'vite'

const EXTERNAL = ['@tapedeck/core', 'fflate']

// Library build, one ES module entry. Core and fflate stay external: the app's bundler (or Node)
// resolves them, so there is one copy of each next to the recorder.
export default defineConfig({
  build: {
    lib: { entry: { index: 'src/index.ts' }, formats: ['es'] },
    target: 'es2022',
    sourcemap: true,
    rolldownOptions: {
      external: (id) => EXTERNAL.some((name) => id === name || id.startsWith(`${name}/`)),
    },
  },
})
