// The browser side of the bench: one headless Chromium on a fresh, disk-backed persistent
// profile (IndexedDB on disk, as users have it), and the DevTools protocol for heap figures.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from '@playwright/test'
import { CHROMIUM_ARGS, HOW_TO_GET_CHROMIUM, findChromium } from '../../scripts/chromium.mjs'

export async function launchBrowser() {
  const executablePath = findChromium()
  if (!executablePath) throw new Error(HOW_TO_GET_CHROMIUM)
  const dir = mkdtempSync(join(tmpdir(), 'tapedeck-bench-'))
  const context = await chromium.launchPersistentContext(dir, { headless: true, executablePath, args: CHROMIUM_ARGS })
  const page = context.pages()[0] ?? (await context.newPage())
  const cdp = await context.newCDPSession(page)
  const version = await cdp.send('Browser.getVersion')
  await cdp.detach()
  return {
    context,
    /** The profile directory: its renderer processes are found by it (bench/lib/threadTime.mjs). */
    userDataDir: dir,
    executablePath,
    version: { version: context.browser()?.version() ?? version.product, product: version.product, revision: version.revision, userAgent: version.userAgent, jsVersion: version.jsVersion },
    async close() {
      await context.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Opens the bench page in a new tab, with a DevTools session on it and on the workers it starts. */
export async function openBenchPage(context, url) {
  const page = await context.newPage()
  await page.goto(url)
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 30_000 })
  const cdp = await context.newCDPSession(page)
  const workers = await attachToWorkers(cdp)
  return {
    page,
    cdp,
    workers,
    /** The page's JavaScript heap after two full garbage collections. */
    async heap() {
      await cdp.send('HeapProfiler.collectGarbage')
      await cdp.send('HeapProfiler.collectGarbage')
      return cdp.send('Runtime.getHeapUsage')
    },
    async close() {
      await cdp.detach().catch(() => undefined)
      await page.close()
    },
  }
}

/**
 * Dedicated workers are not pages: Playwright gives no DevTools session for them. The page's
 * session can attach to them itself (`Target.setAutoAttach`, not flattened) and talk to each
 * through `Target.sendMessageToTarget`.
 */
async function attachToWorkers(cdp) {
  const attached = new Map()
  const pending = new Map()
  let nextId = 0
  cdp.on('Target.attachedToTarget', ({ sessionId, targetInfo }) => {
    if (targetInfo.type === 'worker') attached.set(sessionId, targetInfo)
  })
  cdp.on('Target.detachedFromTarget', ({ sessionId }) => attached.delete(sessionId))
  cdp.on('Target.receivedMessageFromTarget', ({ message }) => {
    const reply = JSON.parse(message)
    const waiting = pending.get(reply.id)
    if (!waiting) return
    pending.delete(reply.id)
    if (reply.error) waiting.reject(new Error(`${reply.error.message} (${waiting.method})`))
    else waiting.resolve(reply.result)
  })
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false })
  const send = (sessionId, method, params = {}, timeoutMs = 60_000) =>
    new Promise((resolve, reject) => {
      const id = ++nextId
      const timer = setTimeout(() => {
        pending.delete(id)
        reject(new Error(`no answer to ${method} from the worker within ${timeoutMs} ms`))
      }, timeoutMs)
      pending.set(id, {
        method,
        resolve: (value) => (clearTimeout(timer), resolve(value)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      })
      cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch((error) => {
        clearTimeout(timer)
        pending.delete(id)
        reject(error)
      })
    })
  return {
    /** The most recently started live worker whose target matches. */
    find(match) {
      return [...attached].reverse().find(([, info]) => match(info))?.[0]
    },
    list: () => [...attached].map(([sessionId, info]) => ({ sessionId, ...info })),
    send,
    async heap(sessionId, { gc = true } = {}) {
      if (gc) {
        await send(sessionId, 'HeapProfiler.collectGarbage')
        await send(sessionId, 'HeapProfiler.collectGarbage')
      }
      return send(sessionId, 'Runtime.getHeapUsage')
    },
  }
}
