// What a Node backend sees of @tapedeck/node (see browser.ts for how the marks work).
import { createNodeRecorder, tapedeckExpress, tapedeckRoute, type NodeRecorder } from '@tapedeck/node'

// @package @tapedeck/node
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
