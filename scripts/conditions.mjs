// The export condition under which the workspace's packages point at their TypeScript sources
// (`"@tapedeck/source": "./src/index.ts"`), so tests, the playground and the bench run on the
// code as it is, not on a stale build. Added to Vite's defaults, never instead of them.
import { defaultClientConditions, defaultServerConditions } from 'vite'

export const SOURCE_CONDITION = '@tapedeck/source'

export const sourceResolve = {
  resolve: { conditions: [SOURCE_CONDITION, ...defaultClientConditions] },
  ssr: {
    // Workspace packages are inlined, so Node-side tests resolve them through Vite too.
    noExternal: [/^@tapedeck\//],
    resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions], externalConditions: [SOURCE_CONDITION] },
  },
}
