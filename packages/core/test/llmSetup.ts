/**
 * Global setup for the browser tests (runs in Node): the mock LLM provider of
 * e2e/support/mockLlm.ts on 127.0.0.1, its URL provided to the tests as `mockLlm`.
 *
 * Also a browser build of the real AI SDK (`ai`, `@ai-sdk/react`) with React, served from
 * loopback as `aiSdkBundle`. The workspace resolves imports with `resolve.conditions:
 * ['source']`, which replaces Vite's default client conditions (`browser`, `module`, …): the
 * AI SDK's dependency `@vercel/oidc` then resolves to its Node build and cannot load in a page.
 * Built here with Vite's defaults, it is exactly what an app's bundler would ship.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { build, type Rollup } from 'vite'
import type { TestProject } from 'vitest/node'
import { startMockLlm } from '../../../e2e/support/mockLlm'

declare module 'vitest' {
  export interface ProvidedContext {
    mockLlm: string
    aiSdkBundle: string
  }
}

const ENTRY = 'tapedeck-ai-sdk-entry.js'
const ENTRY_CODE = `
export { Chat, useChat } from '@ai-sdk/react'
export { DefaultChatTransport, lastAssistantMessageIsCompleteWithToolCalls } from 'ai'
export { createElement, useEffect } from 'react'
export { createRoot } from 'react-dom/client'
`

async function buildAiSdk(): Promise<Map<string, string>> {
  const result = await build({
    configFile: false,
    root: fileURLToPath(new URL('../../..', import.meta.url)),
    logLevel: 'warn',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [
      {
        name: 'tapedeck:ai-sdk-entry',
        // Vite hands the entry over as a path under the root.
        resolveId: (id) => (id.endsWith(ENTRY) ? `\0${ENTRY}` : undefined),
        load: (id) => (id === `\0${ENTRY}` ? ENTRY_CODE : undefined),
      },
    ],
    build: {
      write: false,
      minify: false,
      target: 'es2022',
      lib: { entry: ENTRY, formats: ['es'], fileName: () => 'ai-sdk.js' },
    },
  })
  const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[]
  const files = new Map<string, string>()
  for (const output of outputs) for (const item of output.output) if (item.type === 'chunk') files.set(`/${item.fileName}`, item.code)
  return files
}

export default async function setup(project: TestProject) {
  const mock = await startMockLlm()
  let files: Map<string, string>
  try {
    files = await buildAiSdk()
  } catch (error) {
    await mock.close()
    throw error
  }
  const server = createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*')
    const code = files.get(new URL(req.url ?? '/', 'http://x').pathname)
    if (!code) return void res.writeHead(404).end()
    res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' }).end(code)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  project.provide('mockLlm', mock.url)
  project.provide('aiSdkBundle', `http://127.0.0.1:${(server.address() as AddressInfo).port}/ai-sdk.js`)
  return async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await mock.close()
  }
}
