// What a Node app sees of the published server and player (see browser.ts for how the marks work).
import { loadRecording, computeStats } from '@tapedeck/player'
import { createFileStore, createHandler, serve, type Handler } from '@tapedeck/server'

// @package @tapedeck/server
const handler: Handler = createHandler({ store: createFileStore({ dir: './.tapedeck-data' }) })
// @ts-expect-error a handler takes a Request
void handler('not a request')
// @ts-expect-error serve needs options
void serve()

// @package @tapedeck/player
// @ts-expect-error no such member
loadRecording.notThere
// @ts-expect-error no such member
computeStats.notThere
