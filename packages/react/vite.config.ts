import { defineConfig } from 'vite'

const EXTERNAL = ['react', 'react-dom', '@tanstack/react-query', '@tapedeck/core', '@tapedeck/player', '@tapedeck/widget']

// Library build: two entries (the hooks, and the react-query hooks under `/query`) sharing one
// chunk, so both see the same React context. React, react-query and the other Tapedeck packages
// stay external: the app's bundler resolves them, and there is one copy of each on the page.
// The viewer's stylesheet is shipped as it is (`./viewer.css` in the exports map).
export default defineConfig({
  build: {
    lib: { entry: { index: 'src/index.ts', query: 'src/query/index.ts' }, formats: ['es'] },
    target: 'es2022',
    sourcemap: true,
    rolldownOptions: {
      external: (id) => EXTERNAL.some((name) => id === name || id.startsWith(`${name}/`)),
      // Every file holds hooks or a provider: client components for the Next.js app router.
      output: { banner: "'use client';" },
    },
  },
})
