#!/usr/bin/env node
// How much of handing a batch to the worker is memory touched for the first time (bench/README.md,
// "Fresh memory: where the clone's time goes"). Not part of bench/run.mjs. Prints:
//  - what a page of memory costs the first time it is written, here in Node (a large ArrayBuffer,
//    one byte per 4 KB page), against the second time;
//  - in one headless Chromium page, per operation: postMessage of a string to a worker that drops
//    it, structuredClone of the same string, and the same bytes joined in V8's heap, with the page
//    main thread's minor page faults (/proc/<pid>/task/<pid>/stat, Linux only) per operation.
//
//   flock /tmp/tapedeck-bench.lock node bench/freshMemory.mjs
import { readFileSync, readdirSync } from 'node:fs'
import { chromium } from '@playwright/test'
import { CHROMIUM_ARGS, HOW_TO_GET_CHROMIUM, findChromium } from '../scripts/chromium.mjs'

const PAGES = 16_384
for (let round = 0; round < 3; round++) {
  const bytes = new Uint8Array(PAGES * 4096)
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < bytes.length; i += 4096) bytes[i] = 1
  const t1 = process.hrtime.bigint()
  for (let i = 0; i < bytes.length; i += 4096) bytes[i] = 2
  const t2 = process.hrtime.bigint()
  console.log(`Node, a 4 KB page written: the first time ${(Number(t1 - t0) / PAGES / 1000).toFixed(2)} µs, the second ${(Number(t2 - t1) / PAGES / 1000).toFixed(3)} µs`)
}

/** Minor faults of every renderer's main thread, summed (the bench has one busy tab). */
function rendererFaults() {
  let sum = 0
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue
      sum += Number(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[7])
    } catch {
      // Gone meanwhile, or not Linux.
    }
  }
  return sum
}

const executablePath = findChromium()
if (!executablePath) throw new Error(HOW_TO_GET_CHROMIUM)
const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS })
try {
  const page = await browser.newPage()
  await page.goto('about:blank')
  await page.evaluate(() => {
    window.worker = new Worker(URL.createObjectURL(new Blob(['onmessage = () => {}'], { type: 'text/javascript' })))
  })
  for (const kb of [2, 8, 16, 32, 64, 96]) {
    for (const what of ['postMessage', 'structuredClone', 'join']) {
      const before = rendererFaults()
      const us = await page.evaluate(
        async ({ kb, what }) => {
          const line = (i) => `{"messageId":"${i}","text":"${'x'.repeat(270)}"}`
          const text = Array.from({ length: 400 }, (_, i) => line(i)).join('\n').slice(0, kb * 1000)
          const lines = Math.ceil((kb * 1000) / 300)
          let total = 0
          for (let round = 0; round < 20; round++) {
            const started = performance.now()
            for (let i = 0; i < 25; i++) {
              if (what === 'postMessage') window.worker.postMessage(text)
              else if (what === 'structuredClone') structuredClone(text)
              else Array.from({ length: lines }, () => line(i)).join('\n')
            }
            total += performance.now() - started
            await new Promise((resolve) => setTimeout(resolve, 20))
          }
          return (total * 1000) / 500
        },
        { kb, what },
      )
      const faults = (rendererFaults() - before) / 500
      console.log(`${String(kb).padStart(3)} KB ${what.padEnd(15)} ${us.toFixed(0).padStart(5)} µs, ${faults.toFixed(1).padStart(5)} page faults on the page's main thread (${(kb / 4).toFixed(1)} pages of data)`)
    }
  }
} finally {
  await browser.close()
}
