import { spawn, type ChildProcess } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { BROWSER, startBackend, type Backend } from '../test/backend'
import { closeOnExit } from './closeOnExit'

// A real Node process with @tapedeck/node (its TypeScript through tsx), ended the way a platform
// ends a server: what it recorded reaches the backend before it goes, within a time bound.
const CHILD = fileURLToPath(new URL('../test/exitingServer.ts', import.meta.url))

let backend: Backend
let child: ChildProcess | undefined
beforeEach(async () => {
  backend = await startBackend()
})
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  child = undefined
  await backend.close()
})

interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
  at: number
}

/** Starts the child and waits for its `ready`; `exited` settles when it ends. */
async function start(endpoint: string, mode: 'serve' | 'idle', timeoutMs: number): Promise<{ exited: Promise<Exit> }> {
  child = spawn(process.execPath, ['--conditions=@tapedeck/source', '--import', 'tsx', CHILD, endpoint, BROWSER, mode, String(timeoutMs)], { stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise<Exit>((resolve) =>
    child!.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  )
  await new Promise<void>((resolve, reject) => {
    child!.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve())
    child!.once('exit', () => reject(new Error('the child ended before it was ready')))
  })
  return { exited }
}

it('on SIGTERM, the events still waiting are sent and the stream ended before the process ends, by the same signal', { timeout: 30_000 }, async () => {
  const { exited } = await start(backend.url, 'serve', 5000)
  child!.kill('SIGTERM')
  expect(await exited).toMatchObject({ code: null, signal: 'SIGTERM' })
  const stream = await backend.stream()
  expect(stream.map((event) => event.type)).toEqual(['session.started', 'x.before.exit', 'session.ended'])
  expect(stream[2]!.data).toMatchObject({ reason: 'closed' })
  expect((await backend.detail(stream[0]!.sessionId)).completeness).toMatchObject({ complete: true })
})

it('when the event loop runs dry (beforeExit), the events are sent before the process ends', { timeout: 30_000 }, async () => {
  const { exited } = await start(backend.url, 'idle', 5000)
  expect(await exited).toMatchObject({ code: 0, signal: null })
  expect((await backend.stream()).map((event) => event.type)).toEqual(['session.started', 'x.before.exit', 'session.ended'])
})

it('a backend that never answers holds the process no longer than timeoutMs after SIGTERM', { timeout: 30_000 }, async () => {
  const sockets = new Set<import('node:net').Socket>()
  const silent: Server = createServer(() => undefined) // takes the request, never answers
  silent.on('connection', (socket) => sockets.add(socket))
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  try {
    const { exited } = await start(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`, 'serve', 600)
    const signalled = performance.now()
    child!.kill('SIGTERM')
    const { signal, at } = await exited
    expect(signal).toBe('SIGTERM')
    // It tried (the batch left and waited) for about timeoutMs, then went.
    expect(at - signalled).toBeGreaterThanOrEqual(550)
    expect(at - signalled).toBeLessThan(3000)
  } finally {
    for (const socket of sockets) socket.destroy()
    await new Promise((resolve) => silent.close(resolve))
  }
})

describe('with the app’s own signal handler', () => {
  /** A process as closeOnExit sees it: Node's own EventEmitter, and a kill() that is only noted. */
  function host() {
    const emitter = new EventEmitter()
    const killed: string[] = []
    return Object.assign(emitter, { pid: 1, killed, kill: (_pid: number, signal: string) => killed.push(signal) })
  }

  for (const register of ['on', 'once'] as const) {
    it(`a SIGTERM handler the app added with ${register}() before the recorder decides when the process ends: closeOnExit closes but does not end it`, async () => {
      const process = host()
      let closed = false
      process[register]('SIGTERM', () => undefined) // e.g. server.close(), then exit when drained
      closeOnExit(async () => void (closed = true), { timeoutMs: 1000 }, process)
      process.emit('SIGTERM')
      await vi.waitFor(() => expect(closed).toBe(true))
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(process.killed).toEqual([])
    })
  }

  it('alone, it ends the process by the signal once closed', async () => {
    const process = host()
    closeOnExit(async () => undefined, { timeoutMs: 1000 }, process)
    process.emit('SIGINT')
    await vi.waitFor(() => expect(process.killed).toEqual(['SIGINT']))
    expect(process.listenerCount('SIGTERM') + process.listenerCount('beforeExit')).toBe(0) // uninstalled
  })
})
