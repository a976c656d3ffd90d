import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { toNodeListener } from './toNodeListener.js'
import type { Handler } from '../http/createHandler.js'

describe('toNodeListener', () => {
  let server: Server | undefined
  afterEach(async () => {
    server?.closeAllConnections()
    await new Promise((resolve) => server?.close(resolve))
  })

  async function listen(handler: Handler): Promise<string> {
    server = createServer(toNodeListener(handler))
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  it('streams a request body in and a response body out, in both directions at once', async () => {
    const warnings: string[] = []
    const onWarning = (warning: Error) => warnings.push(warning.name)
    process.on('warning', onWarning)
    const url = await listen(async (request) => {
      const digits = request.body!.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
        transform: (chunk, controller) => controller.enqueue(chunk.map((byte) => byte + 1)),
      }))
      return new Response(digits, { status: 202, headers: { 'X-Path': new URL(request.url).pathname + new URL(request.url).search } })
    })
    const body = new Uint8Array(20 * 1024 * 1024).fill(41)
    const response = await fetch(`${url}/echo/a?b=1`, { method: 'POST', body })
    const echoed = new Uint8Array(await response.arrayBuffer())
    expect([response.status, response.headers.get('x-path')]).toEqual([202, '/echo/a?b=1'])
    expect(echoed.length).toBe(body.length)
    expect(echoed.every((byte) => byte === 42)).toBe(true)
    await new Promise((resolve) => setImmediate(resolve))
    process.off('warning', onWarning)
    expect(warnings).not.toContain('MaxListenersExceededWarning')
  })

  it('passes repeated headers and the method through', async () => {
    const url = await listen(async (request) => new Response(`${request.method} ${request.headers.get('x-many')}`))
    const response = await fetch(`${url}/`, { method: 'DELETE', headers: [['X-Many', 'a'], ['X-Many', 'b']] })
    expect(await response.text()).toBe('DELETE a, b')
  })

  it('answers 500 when the handler throws, and keeps serving', async () => {
    let calls = 0
    const url = await listen(async () => {
      calls += 1
      if (calls === 1) throw new Error('broken handler')
      return new Response('fine')
    })
    const failed = await fetch(url)
    expect(failed.status).toBe(500)
    expect(((await failed.json()) as { error: { code: string } }).error.code).toBe('internal_error')
    expect(await (await fetch(url)).text()).toBe('fine')
  })
})
