import { createFileStore, createHandler } from '@tapedeck/server'

// @tapedeck/server mounted in a Next.js route handler: every method of every path below /tapedeck.
// Keys (ingestKeys, readKeys, adminKeys) are left out to keep the example short: without them the
// server is open to anyone who can reach it. See docs/server.md.
export const runtime = 'nodejs' // the file store needs Node's fs
export const dynamic = 'force-dynamic'

const handler = createHandler({ store: createFileStore({ dir: process.env.TAPEDECK_DATA ?? './.tapedeck-data' }), basePath: '/tapedeck' })

export { handler as GET, handler as POST, handler as PUT, handler as DELETE, handler as OPTIONS }
