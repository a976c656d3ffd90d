// `--profile`: where the time goes, from the DevTools CPU profiler (page and worker), as tables
// of self and inclusive time per function.
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const key = ({ functionName, url, lineNumber }) =>
  `${functionName || '(anonymous)'} ${url ? `${url.split('/').pop()}:${lineNumber + 1}` : ''}`.trim()

/** Self and inclusive milliseconds per function (a function counted once per stack, recursion or not). */
export function summariseProfile(profile) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const self = new Map()
  const inclusive = new Map()
  let total = 0
  let idle = 0
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000
    const node = nodes.get(id)
    if (node.callFrame.functionName === '(idle)') {
      idle += ms
      return
    }
    total += ms
    const name = key(node.callFrame)
    self.set(name, (self.get(name) ?? 0) + ms)
    const seen = new Set()
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const frame = key(nodes.get(at).callFrame)
      if (seen.has(frame) || frame === '(root)') continue
      seen.add(frame)
      inclusive.set(frame, (inclusive.get(frame) ?? 0) + ms)
    }
  })
  const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n)
  return { busyMs: total, idleMs: idle, self: top(self, 18), inclusive: top(inclusive, 25) }
}

export function printProfile(title, summary, log) {
  log(`\n${title}: ${summary.busyMs.toFixed(0)} ms busy, ${summary.idleMs.toFixed(0)} ms idle`)
  const pct = (ms) => `${((ms / summary.busyMs) * 100).toFixed(1).padStart(5)}%`
  log('  self time')
  for (const [name, ms] of summary.self) log(`    ${ms.toFixed(0).padStart(6)} ms ${pct(ms)}  ${name}`)
  log('  inclusive time')
  for (const [name, ms] of summary.inclusive) log(`    ${ms.toFixed(0).padStart(6)} ms ${pct(ms)}  ${name}`)
}

export function saveProfile(name, profile) {
  const file = join(tmpdir(), `tapedeck-bench-${name}-${process.pid}.cpuprofile`)
  writeFileSync(file, JSON.stringify(profile))
  return file
}
