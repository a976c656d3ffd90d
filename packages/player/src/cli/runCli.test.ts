import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockLlm, type MockLlm } from '../../../../e2e/support/mockLlm'
import { RECORDINGS_DIR } from '../../test/evalRecordings'
import { loadRecording } from '../load/loadRecording'
import { validationResults } from '../eval/validationResults'
import { runCli } from './runCli'

const CHECKS = fileURLToPath(new URL('../../test/evalChecks.ts', import.meta.url))
const BIN = fileURLToPath(new URL('../../bin/tapedeck.js', import.meta.url))
const BUILT = existsSync(fileURLToPath(new URL('../../dist/node.js', import.meta.url)))

// The three recordings of the real recorder (test/recordings: good, slow, wrong tool); reports go to a temporary folder.
const dir = RECORDINGS_DIR
let mock: MockLlm
let out: string

beforeAll(async () => {
  mock = await startMockLlm() // the judge's model
  out = await mkdtemp(join(tmpdir(), 'tapedeck-eval-'))
})

afterAll(async () => {
  await mock?.close()
  if (out) await rm(out, { recursive: true, force: true })
})

async function cli(...args: string[]) {
  let stdout = ''
  let stderr = ''
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {} })
  return { code, stdout, stderr }
}

const count = (xml: string, pattern: RegExp) => xml.match(pattern)?.length ?? 0

describe('tapedeck eval', () => {
  it('exits 1 below the gate and writes a JUnit report with one failure per failed check', async () => {
    const junit = join(out, 'reports', 'junit.xml')
    const result = await cli('eval', dir, '--checks', CHECKS, '--junit', junit, '--min-pass-rate', '0.95')
    expect(result.stderr).toBe('')
    expect(result.code).toBe(1)
    // 3 recordings × 7 checks; the slow one fails latency, the wrong-tool one three checks.
    expect(result.stdout).toContain('FAIL: pass rate 81.0% < 95.0%')
    const xml = await readFile(junit, 'utf8')
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="tapedeck eval" tests="21" failures="4" errors="0"/)
    expect(count(xml, /<testsuite /g)).toBe(3)
    expect(count(xml, /<testcase /g)).toBe(21)
    expect(count(xml, /<failure /g)).toBe(4)
    expect(xml).toMatch(/<testcase classname="s_slow" name="latency" time="[\d.]+">\n\s+<failure message="latency failed \(score 0\)">/)
    expect(xml).toContain('<testcase classname="s_wrong_tool" name="no-tool:cancelOrder"')
  })

  it('exits 0 at or above the gate, and writes the recordings with their results', async () => {
    const annotated = join(out, 'annotated')
    const result = await cli('eval', dir, '--checks', CHECKS, '--min-pass-rate', '0.8', '--out', annotated)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('PASS: pass rate 81.0% >= 80.0%')
    const slow = await loadRecording(await readFile(join(annotated, 's_slow.jsonl'), 'utf8'))
    expect(validationResults(slow).filter((r) => !r.passed).map((r) => r.name)).toEqual(['latency'])
  })

  it('adds LLM judges from the command line (the mock LLM as the judge model)', async () => {
    const endpoint = `${mock.url}/reply=${encodeURIComponent('{"score": 2, "reason": "Too curt."}')}/v1`
    const result = await cli('eval', dir, '--judge', 'Polite and complete.', '--judge-endpoint', endpoint, '--min-pass-rate', '0.5')
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/judge\s+0\/3\s+0\.0%/)
  })

  it('exits 2 for bad arguments or a folder without recordings', async () => {
    expect((await cli('eval', dir)).code).toBe(2)
    expect((await cli('eval', dir, '--checks', CHECKS, '--min-pass-rate', '2')).code).toBe(2)
    expect((await cli('evaluate')).code).toBe(2)
    const empty = await mkdtemp(join(tmpdir(), 'tapedeck-empty-'))
    const missing = await cli('eval', empty, '--checks', CHECKS)
    await rm(empty, { recursive: true })
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('No recording found') })
    expect(await cli('eval', join(dir, 'nope'), '--checks', CHECKS)).toMatchObject({ code: 2, stderr: expect.stringContaining('ENOENT') })
  })

  // The installed command, as CI runs it (needs the build: `npm test` builds first).
  it.runIf(BUILT)('the bin exits with the gate and reads checks.ts (through tsx on Node 20)', () => {
    const run = (gate: string) => spawnSync(process.execPath, [BIN, 'eval', dir, '--checks', CHECKS, '--min-pass-rate', gate], { encoding: 'utf8', timeout: 60_000 })
    const below = run('0.95')
    expect(below.stderr).toBe('')
    expect(below.status).toBe(1)
    expect(run('0.8').status).toBe(0)
  }, 120_000) // two Node processes starting tsx: seconds each on a busy machine
})
