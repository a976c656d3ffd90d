// The size figures: the script-tag file (read from the widget's build) and @tapedeck/core's page
// entry, createRecorder alone and the worker (built here).
import { fileURLToPath } from 'node:url'
import { coreBundleSize, scriptTagSize } from '../lib/bundleSize.mjs'
import { log, summary } from '../lib/report.mjs'
import { BARS, KB, quick } from '../lib/settings.mjs'

/** Read from the widget's build, not built here: a file older than its sources says so. */
export async function scriptTagFigure() {
  const title = 'script-tag bundle, gzip -9, worker included'
  const bar = `≤ ${BARS.scriptTagGzip / KB} KB`
  const size = scriptTagSize()
  if (!size) {
    return { id: 'script-tag-bundle', title, status: 'not built yet', bar: { text: bar }, detail: { note: 'packages/widget/dist/tapedeck.js is not built (npm run build -w @tapedeck/widget)' } }
  }
  if (!size.oneFile) throw new Error(`${size.file} is not one file that starts its own worker: its size would not include the worker`)
  // What each module costs (the file built again without it), and the sibling files: the full run only.
  let shares
  if (!quick) {
    const { scriptTagShares, formatShares } = await import('../../packages/widget/scripts/sizeReport.mjs')
    shares = await scriptTagShares()
    log(formatShares(shares).replace(/^/gm, '    '))
  }
  return {
    id: 'script-tag-bundle',
    title: `${title}${size.stale ? ' (built before its sources last changed)' : ''}`,
    unit: 'bytes',
    value: summary([size.gzip]),
    bar: { text: bar, ok: size.gzip <= BARS.scriptTagGzip },
    detail: { ...size, ...(shares && { shares: Object.fromEntries(shares) }) },
  }
}

export async function bundleFigures() {
  const size = await coreBundleSize(fileURLToPath(new URL('../dist/size', import.meta.url)))
  const one = (value) => summary([value])
  return [
    {
      id: 'core-page-entry',
      title: '@tapedeck/core page entry, gzip -9',
      unit: 'bytes',
      value: one(size.pageGzip),
      bar: { text: `≤ ${BARS.coreEntryGzip / KB} KB`, ok: size.pageGzip <= BARS.coreEntryGzip },
      detail: size,
    },
    {
      id: 'core-recorder-only',
      title: '  the same, createRecorder alone (tree-shaken)',
      unit: 'bytes',
      value: one(size.recorderOnly.pageGzip),
      detail: size.recorderOnly,
    },
    {
      id: 'core-worker',
      title: '@tapedeck/core worker file, gzip -9',
      unit: 'bytes',
      value: one(size.workerGzip),
      detail: { file: size.workerFile, bytes: size.workerBytes },
    },
  ]
}
