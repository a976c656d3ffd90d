// A backend process for closeOnExit.test.ts: records one event into a session, says `ready`,
// then lives on (`serve`, as a server's listening socket would keep it) or lets its loop run dry (`idle`).
import { createNodeRecorder } from '../src/index.js'

const [endpoint, session, mode, timeoutMs] = process.argv.slice(2)
const tapedeck = createNodeRecorder({ endpoint: endpoint!, flushIntervalMs: 60_000, closeOnExit: { timeoutMs: Number(timeoutMs) } })
tapedeck.run(session, () => tapedeck.record('x.before.exit', { pid: process.pid }))
if (mode === 'serve') setInterval(() => undefined, 1000)
process.stdout.write('ready\n')
