import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import type { Check } from '../eval/Check'
import { evaluate, type Evaluation } from '../eval/evaluate'
import { judge } from '../eval/judge'
import { postResults } from '../eval/postResults'
import { toJsonl } from '../export/toJsonl'
import { loadRecordings } from '../load/loadRecordings'
import { loadChecks } from './loadChecks'
import { toJunit } from './toJunit'

export interface CliIo {
  stdout(text: string): void
  stderr(text: string): void
  env: Record<string, string | undefined>
}

export const USAGE = `Usage: tapedeck eval <dir|url> [options]

Evaluates recorded sessions with checks and LLM judges; exits 1 below the pass-rate gate.

  <dir|url>               a folder of recordings (.jsonl .ndjson .json .zip .gz, one session each),
                          or a Tapedeck server (http(s)://…): the sessions it lists
  --checks <file>         a module exporting its checks (.js, .mjs, or .ts with tsx or Node 22.18+)
  --judge <criteria>      an LLM judge with these criteria (repeatable); OpenAI-compatible:
    --judge-model <id>      default $TAPEDECK_JUDGE_MODEL or gpt-4o-mini
    --judge-endpoint <url>  default $TAPEDECK_JUDGE_ENDPOINT or https://api.openai.com/v1
    --judge-pass <n>        the lowest passing score on 1–5 (default 4); key: $TAPEDECK_JUDGE_API_KEY
  --min-pass-rate <0–1>   the gate: passed results / all results (default 1: every check passes)
  --junit <file>          write a JUnit XML report
  --json <file>           write the whole evaluation as JSON
  --out <dir>             write each recording with its results (validation.result annotations) as JSONL
  --server <url>          store the results on this Tapedeck server (its review annotations, which
                          the Studio shows); the sessions must be there
    --key <review key>      a review or admin key (default $TAPEDECK_REVIEW_KEY)
  --query <k=v&…>         server: the list's filters (feature=support&from=2026-12-01)
  --limit <n>             server: most sessions (default 100)
  --token <key>           server: a read key (default $TAPEDECK_TOKEN)

Exit status: 0 at or above the gate, 1 below it, 2 for bad arguments, unreadable recordings or
results the server did not store.`

function percent(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)}%`
}

function summary(evaluation: Evaluation): string {
  const width = Math.max(5, ...Object.keys(evaluation.checks).map((name) => name.length))
  const rows = Object.entries(evaluation.checks).map(([name, rate]) => `  ${name.padEnd(width)}  ${String(rate.passed).padStart(4)}/${rate.total}  ${percent(rate.passRate)}`)
  return [
    `${evaluation.recordings.length} recordings, ${evaluation.recordingsPassed} passed every check`,
    ...rows,
    `  ${'all'.padEnd(width)}  ${String(evaluation.passed).padStart(4)}/${evaluation.total}  ${percent(evaluation.passRate)}`,
  ].join('\n')
}

/** `tapedeck eval …` without the process: returns the exit status. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv
  if (command === '--help' || command === '-h' || (command === 'eval' && (rest.includes('--help') || rest.includes('-h')))) {
    io.stdout(`${USAGE}\n`)
    return 0
  }
  if (command !== 'eval') {
    io.stderr(`${command === undefined ? '' : `Unknown command ${JSON.stringify(command)}.\n\n`}${USAGE}\n`)
    return 2
  }
  let args: ReturnType<typeof parse>
  try {
    args = parse(rest)
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${USAGE}\n`)
    return 2
  }
  const { values, positionals } = args
  const source = positionals[0]
  const minPassRate = values['min-pass-rate'] === undefined ? 1 : Number(values['min-pass-rate'])
  if (positionals.length !== 1 || !source || !(minPassRate >= 0 && minPassRate <= 1) || (!values.checks && !values.judge?.length)) {
    io.stderr(`${positionals.length !== 1 ? 'Give one folder or server URL.' : !(minPassRate >= 0 && minPassRate <= 1) ? '--min-pass-rate is a number from 0 to 1.' : 'Give --checks, --judge, or both.'}\n\n${USAGE}\n`)
    return 2
  }

  let checks: Check[]
  let evaluation: Evaluation
  let recordings: Awaited<ReturnType<typeof loadRecordings>>
  try {
    checks = values.checks ? await loadChecks(values.checks) : []
    for (const [i, criteria] of (values.judge ?? []).entries()) {
      checks.push(
        judge({
          name: values.judge!.length === 1 ? 'judge' : `judge-${i + 1}`,
          criteria,
          model: values['judge-model'] ?? io.env.TAPEDECK_JUDGE_MODEL ?? 'gpt-4o-mini',
          endpoint: values['judge-endpoint'] ?? io.env.TAPEDECK_JUDGE_ENDPOINT ?? 'https://api.openai.com/v1',
          scale: { min: 1, max: 5, pass: values['judge-pass'] === undefined ? 4 : Number(values['judge-pass']) },
          ...(io.env.TAPEDECK_JUDGE_API_KEY && { apiKey: io.env.TAPEDECK_JUDGE_API_KEY }),
        }),
      )
    }
    const token = values.token ?? io.env.TAPEDECK_TOKEN
    recordings = /^https?:\/\//i.test(source)
      ? await loadRecordings({ endpoint: source, ...(values.query && { query: values.query }), ...(values.limit && { limit: Number(values.limit) }), ...(token && { token }) })
      : await loadRecordings(source)
    if (recordings.length === 0) {
      io.stderr(`No recording found in ${source}.\n`)
      return 2
    }
    evaluation = await evaluate(recordings, checks, { author: 'tapedeck eval' })
  } catch (error) {
    const code = (error as { code?: unknown }).code
    io.stderr(`tapedeck eval: ${typeof code === 'string' ? `${code}: ` : ''}${(error as Error)?.message ?? String(error)}\n`)
    return 2
  }

  if (values.junit) await writeOut(values.junit, toJunit(evaluation))
  if (values.json) await writeOut(values.json, `${JSON.stringify(evaluation, null, 2)}\n`)
  if (values.out) for (const recording of recordings) await writeOut(join(values.out, `${recording.sessionId.replace(/[^\w.-]/g, '_')}.jsonl`), toJsonl(recording))
  let stored = true
  if (values.server) {
    const key = values.key ?? io.env.TAPEDECK_REVIEW_KEY
    const report = await postResults(recordings, { endpoint: values.server, author: 'tapedeck eval', ...(key && { token: key }) })
    io.stdout(`Stored on ${values.server}: ${report.sessions} of ${recordings.length} sessions (${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged)\n`)
    for (const failure of report.failed) io.stderr(`tapedeck eval: results of ${failure.sessionId} not stored: ${failure.code}: ${failure.message}\n`)
    stored = report.failed.length === 0
  }

  const rate = evaluation.passRate ?? 1
  const passed = rate >= minPassRate
  io.stdout(`${summary(evaluation)}\n${passed ? 'PASS' : 'FAIL'}: pass rate ${percent(rate)} ${passed ? '>=' : '<'} ${percent(minPassRate)}\n`)
  return !stored ? 2 : passed ? 0 : 1
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      checks: { type: 'string' },
      judge: { type: 'string', multiple: true },
      'judge-model': { type: 'string' },
      'judge-endpoint': { type: 'string' },
      'judge-pass': { type: 'string' },
      'min-pass-rate': { type: 'string' },
      junit: { type: 'string' },
      json: { type: 'string' },
      out: { type: 'string' },
      query: { type: 'string' },
      limit: { type: 'string' },
      token: { type: 'string' },
      server: { type: 'string' },
      key: { type: 'string' },
    },
  })
}

async function writeOut(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, text)
}
