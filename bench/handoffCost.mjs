#!/usr/bin/env node
// What handing a batch to a worker costs the page, part by part (bench/README.md, "record()
// against JSON.stringify: where the page's time goes"): posting strings of growing size, memory
// written for the first time against memory reused, and a buffer written with encodeInto and
// transferred to a worker that sends it back. Not part of bench/run.mjs. Each figure is the best
// of 7 rounds, in µs per operation, in one headless Chromium page.
//
//   flock /tmp/tapedeck-bench.lock node bench/handoffCost.mjs
import { chromium } from '@playwright/test'
import { CHROMIUM_ARGS, HOW_TO_GET_CHROMIUM, findChromium } from '../scripts/chromium.mjs'

const executablePath = findChromium()
if (!executablePath) throw new Error(HOW_TO_GET_CHROMIUM)
const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS })
try {
  const page = await browser.newPage()
  await page.goto('about:blank')
  const figures = await page.evaluate(async () => {
    const worker = new Worker(
      URL.createObjectURL(
        new Blob(['onmessage = ({ data }) => { if (data && data.buffer) postMessage({ back: data.buffer }, [data.buffer]) }'], { type: 'text/javascript' }),
      ),
    )
    const spare = []
    worker.onmessage = ({ data }) => spare.push(data.back)
    const out = {}
    let keep = []
    const best = async (name, times, run) => {
      const rounds = []
      for (let r = 0; r < 7; r++) {
        const started = performance.now()
        for (let i = 0; i < times; i++) run(i)
        rounds.push(performance.now() - started)
        keep = []
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      out[name] = Math.round((Math.min(...rounds) * 1000) / times)
    }
    for (const kb of [1, 8, 32, 60, 200]) {
      const text = 'abcdefgh'.repeat(kb * 128)
      await best(`postMessage of a ${kb} KB string`, 40, () => worker.postMessage(text))
    }
    const batch = `${'x'.repeat(299)}\n`.repeat(256)
    await best('structuredClone of a 77 KB string', 40, () => keep.push(structuredClone(batch)))
    await best('new Uint8Array(77,000), written through', 40, () => keep.push(new Uint8Array(77_000).fill(1)))
    await best('new Uint8Array(77,000), untouched', 40, () => keep.push(new Uint8Array(77_000)))
    await best('a 77 KB string joined in the V8 heap', 40, (i) => keep.push(Array(256).fill(`${'x'.repeat(299)}${i}`).join('\n')))
    const encoder = new TextEncoder()
    const reused = new Uint8Array(256 * 1024)
    await best('encodeInto a reused buffer, 77 KB', 40, () => encoder.encodeInto(batch, reused))
    // The buffer comes back between rounds only: the first round allocates, the best one reuses.
    await best('encodeInto + transfer to a worker that sends it back, 77 KB', 40, () => {
      const buffer = spare.pop() ?? new ArrayBuffer(256 * 1024)
      encoder.encodeInto(batch, new Uint8Array(buffer))
      worker.postMessage({ buffer }, [buffer])
    })
    worker.terminate()
    return out
  })
  for (const [name, us] of Object.entries(figures)) console.log(`${String(us).padStart(6)} µs  ${name}`)
} finally {
  await browser.close()
}
