// What a Node backend sees of @tapedeck/node (see browser.ts for how the marks work).
import {
  createNodeRecorder,
  tapedeckExpress,
  tapedeckExpressErrors,
  tapedeckRoute,
  type CloseOnExitOptions,
  type NodeRecorder,
  type NodeRecorderStats,
  type RedactFunction,
} from '@tapedeck/node'

// @package @tapedeck/node
const tapedeck: NodeRecorder = createNodeRecorder({
  endpoint: 'https://tapedeck.example.com',
  token: 'ingest-key',
  service: 'api',
  // The page's own createRecorder({ redact }) options.
  redact: { builtins: ['email', 'card'], patterns: [{ name: 'order_id', pattern: /ORD-\d{6}/ }], paths: ['data.customer.address'] },
  maxQueueBytes: 4 * 1024 * 1024,
  closeOnExit: { signals: ['SIGTERM'], timeoutMs: 1500 },
})
const llmFetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response> = tapedeck.fetch
void llmFetch
const middleware = tapedeckExpress(tapedeck)
middleware({ headers: { 'tapedeck-session': 's_1' } }, {}, () => undefined)
const POST = tapedeckRoute(tapedeck, async (request: Request) => Response.json({ url: request.url }))
const answer: Promise<Response> = POST(new Request('https://app.example.com/api'))
void answer

// An error middleware: four parameters, the error first, as Express tells them apart.
const errors = tapedeckExpressErrors(tapedeck)
errors(new Error('route failed'), { headers: { 'tapedeck-session': 's_1' }, method: 'GET', path: '/api' }, {}, () => undefined)

const order: Promise<{ status: string }> = tapedeck.tool('lookupOrder', { orderId: 'o_1' }, async () => ({ status: 'shipped' }))
void order
const raised: boolean = tapedeck.captureError(new Error('db down'), { step: 'load' })
void raised
const stats: Readonly<NodeRecorderStats> = tapedeck.stats
const redactions: number = stats.redactions
void redactions
const scrub: RedactFunction = (data) => ({ ...data, internal: undefined })
createNodeRecorder({ endpoint: 'https://tapedeck.example.com', redact: scrub, closeOnExit: false })
const exit: CloseOnExitOptions = { timeoutMs: 500 }
void exit

// @ts-expect-error an endpoint is required
createNodeRecorder({})
// @ts-expect-error an unknown built-in rule
createNodeRecorder({ endpoint: 'https://tapedeck.example.com', redact: { builtins: ['ssn'] } })
