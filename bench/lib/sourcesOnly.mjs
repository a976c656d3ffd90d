// Every bench build runs on the workspace's TypeScript sources: a build that reaches into a
// package's dist/ (a renamed export condition, say) would measure stale code, so it fails.

/** A Vite plugin that refuses any module resolved from `packages/<name>/dist/`. */
export function sourcesOnly() {
  return {
    name: 'tapedeck-bench:sources-only',
    load(id) {
      if (/[\\/]packages[\\/][^\\/]+[\\/]dist[\\/]/.test(id)) {
        throw new Error(`the bench resolved ${id}, a built file: workspace packages must resolve to their sources (export condition "@tapedeck/source")`)
      }
      return null
    },
  }
}
