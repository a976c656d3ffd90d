/**
 * Global setup for the browser tests (runs in Node): a real Tapedeck server on 127.0.0.1, and a
 * small lab that makes a fresh fault proxy in front of it for each test that asks.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TestProject } from 'vitest/node'
import { createHandler, createMemoryStore, serve } from '@tapedeck/server'
import { startFaultProxy, type FaultProxy } from '../../../e2e/support/faultProxy'

declare module 'vitest' {
  export interface ProvidedContext {
    tapedeckServer: string
    faultLab: string
    otlpSink: string
  }
}

export default async function setup(project: TestProject) {
  const server = await serve({ handler: createHandler({ store: createMemoryStore(), cors: { origins: '*' }, log: false }), port: 0 })
  const proxies: FaultProxy[] = []
  const lab = createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*')
    if (req.method !== 'POST') return void res.end()
    void startFaultProxy(server.url).then((proxy) => {
      proxies.push(proxy)
      res.setHeader('Content-Type', 'application/json')
      res.end(JSON.stringify({ url: proxy.url }))
    })
  })
  await new Promise<void>((resolve) => lab.listen(0, '127.0.0.1', resolve))
  // An OpenTelemetry collector stand-in: keeps what is POSTed to /v1/traces, shows it on GET.
  const traces: unknown[] = []
  const sink = createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*')
    res.setHeader('Access-Control-Allow-Headers', '*')
    if (req.method === 'OPTIONS') return void res.end()
    if (req.method === 'GET') return void res.end(JSON.stringify(traces))
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      traces.push({ path: req.url, contentType: req.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString()) })
      res.setHeader('Content-Type', 'application/json')
      res.end('{}')
    })
  })
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve))
  project.provide('otlpSink', `http://127.0.0.1:${(sink.address() as AddressInfo).port}`)
  project.provide('tapedeckServer', server.url)
  project.provide('faultLab', `http://127.0.0.1:${(lab.address() as AddressInfo).port}`)
  return async () => {
    await Promise.all(proxies.map((proxy) => proxy.close()))
    await new Promise<void>((resolve) => lab.close(() => resolve()))
    await new Promise<void>((resolve) => sink.close(() => resolve()))
    await server.close()
  }
}
