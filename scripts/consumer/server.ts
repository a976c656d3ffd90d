// What an app on the file store sees of the published server's main entry, with neither
// @types/node nor @types/pg installed (see browser.ts for how the marks work): its declarations
// must name nothing of node:http or pg.
import { createFileStore, createHandler, createMemoryStore, scheduleRetention, serve, type Handler, type SessionStore } from '@tapedeck/server'

// @package @tapedeck/server
const store: SessionStore = createFileStore({ dir: './.tapedeck-data' })
const handler: Handler = createHandler({ store, basePath: '/api/tapedeck' })
export const GET = handler
export const POST = handler
void createMemoryStore()
void scheduleRetention({ store, retentionMs: 30 * 24 * 3600 * 1000 })
// @ts-expect-error a handler takes a Request
void handler('not a request')
// @ts-expect-error serve needs options
void serve()
