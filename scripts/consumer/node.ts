// What a Node app sees of the published server's Node listener (see browser.ts for how the marks work).
import { createServer } from 'node:http'
import { createFileStore, createHandler } from '@tapedeck/server'
import { toNodeListener, type NodeListener } from '@tapedeck/server/node'

// @package @tapedeck/server
const listener: NodeListener = toNodeListener(createHandler({ store: createFileStore({ dir: './.tapedeck-data' }) }), { maxDrainBytes: 1 << 20 })
createServer(listener)
// @ts-expect-error a listener takes a handler
void toNodeListener('not a handler')
