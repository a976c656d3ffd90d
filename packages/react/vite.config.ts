import { defineConfig } from 'vite'

const EXTERNAL = ['react', 'react-dom', '@tanstack/react-query', '@tapedeck/core', '@tapedeck/player', '@tapedeck/widget']

// Library build: three entries (the hooks, the react-query hooks under `/query`, the viewer's parts
// under `/viewer`) sharing one chunk, so all see the same React context. React, react-query and the other Tapedeck packages
// stay external: the app's bundler resolves them, and there is one copy of each on the page.
// The viewer's stylesheet is shipped as it is (`./viewer.css` in the exports map).
export default defineConfig({
  build: {
    lib: { entry: { index: 'src/index.ts', query: 'src/query/index.ts', viewer: 'src/viewer/index.ts' }, formats: ['es'] },
    target: 'es2022',
    sourcemap: true,
    rolldownOptions: {
      external: (id) => EXTERNAL.some((name) => id === name || id.startsWith(`${name}/`)),
      // Every file holds hooks or a provider: client components for the Next.js app router.
      output: { banner: "'use client';" },
    },
  },
})
