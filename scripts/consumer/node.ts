// What a Node app sees of the published server (see browser.ts for how the marks work).
import { createFileStore, createHandler, serve, type Handler } from '@tapedeck/server'

// @package @tapedeck/server
const handler: Handler = createHandler({ store: createFileStore({ dir: './.tapedeck-data' }) })
// @ts-expect-error a handler takes a Request
void handler('not a request')
// @ts-expect-error serve needs options
void serve()
