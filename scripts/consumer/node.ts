// What a Node app sees of the published server (see browser.ts for how the marks work).
import { createFileStore, createHandler, serve, type Handler } from '@tapedeck/server'

// @package @tapedeck/server
const handler: Handler = createHandler({ store: createFileStore({ dir: './.tapedeck-data' }) })
// @ts-expect-error a handler takes a Request
void handler('not a request')
// @ts-expect-error serve needs options
void serve()

// @package @tapedeck/node
import { createNodeRecorder, tapedeckExpress, tapedeckRoute, type NodeRecorder } from '@tapedeck/node'

const tapedeck: NodeRecorder = createNodeRecorder({ endpoint: 'https://tapedeck.example.com', token: 'ingest-key', service: 'api' })
const llmFetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response> = tapedeck.fetch
void llmFetch
const middleware = tapedeckExpress(tapedeck)
middleware({ headers: { 'tapedeck-session': 's_1' } }, {}, () => undefined)
const POST = tapedeckRoute(tapedeck, async (request: Request) => Response.json({ url: request.url }))
const answer: Promise<Response> = POST(new Request('https://app.example.com/api'))
void answer
// @ts-expect-error an endpoint is required
createNodeRecorder({})
