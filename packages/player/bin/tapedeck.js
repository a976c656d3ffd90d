#!/usr/bin/env node
// `tapedeck eval <dir|url> --checks checks.ts …`: see `tapedeck --help` and docs/evaluations.md.
import { runCli } from '../dist/node.js'

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
})
