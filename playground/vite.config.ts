import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig, type Plugin } from 'vite'
import { sourceResolve } from '../scripts/conditions.mjs'
import { startMockLlm, type MockLlm } from '../e2e/support/mockLlm.ts'

/** What the mock speech-to-text hears in every recording: a question that makes the assistant look an order up. */
export const MOCK_TRANSCRIPT = 'Where is my order A1042?'

/**
 * The playground's backend, inside the dev server: `/llm/…` goes to the mock LLM of the e2e
 * tests (OpenAI, Anthropic and AI SDK wire formats, streamed), and `POST /stt` is a mock
 * speech-to-text that reads the uploaded audio and answers with a fixed sentence.
 */
function mockBackend(): Plugin {
  let mock: MockLlm | undefined
  return {
    name: 'tapedeck:playground-backend',
    apply: 'serve',
    async config() {
      // A streamed answer takes a moment, as a real one does: the first token after 300 ms.
      mock = await startMockLlm({ defaults: { ttftMs: 300, gapMs: 35 } })
      return { server: { proxy: { '/llm': { target: mock.url, rewrite: (path) => path.replace(/^\/llm/, '') } } } }
    },
    configureServer(server) {
      server.httpServer?.once('close', () => void mock?.close())
      server.middlewares.use('/stt', (req, res) => {
        if (req.method !== 'POST') {
          res.statusCode = 405
          return void res.end()
        }
        let bytes = 0
        req.on('data', (chunk: Buffer) => (bytes += chunk.length))
        req.on('end', () => {
          res.setHeader('Content-Type', 'application/json')
          if (bytes === 0) {
            res.statusCode = 400
            return void res.end(JSON.stringify({ error: 'no audio' }))
          }
          res.end(JSON.stringify({ text: MOCK_TRANSCRIPT, bytes, mock: true }))
        })
      })
    },
  }
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  ...sourceResolve,
  plugins: [react(), mockBackend()],
  // Its own cache: the e2e pages' dev server optimises other dependencies in the default one.
  cacheDir: fileURLToPath(new URL('../node_modules/.vite/playground', import.meta.url)),
  // Found late (the worker's imports, lazily loaded pages): named up front, so Vite does not
  // re-optimise and reload the page on a first visit.
  optimizeDeps: {
    include: ['idb', 'comlink', 'fflate', 'react', 'react-dom', 'react-dom/client', 'react/jsx-runtime', 'react/jsx-dev-runtime', '@tanstack/react-query', 'openai'],
  },
  server: { host: '127.0.0.1', port: 5173 },
})
