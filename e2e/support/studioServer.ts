import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ingestSessions, studioSessions, type SeededSession } from './studioData'

export const KEYS = { ingest: 'ingest-key-e2e', read: 'read-key-e2e', review: 'review-key-e2e', admin: 'admin-key-e2e' }

export interface StudioServer {
  url: string
  sessions: SeededSession[]
  close(): Promise<void>
}

/**
 * `tapedeck-server` as a person runs it (the built CLI, a file store in a temp folder, the four
 * kinds of key), with the Studio at `/`, and (unless `seed: false`) the test sessions sent through its ingest path.
 */
export async function startStudioServer({ seed = true }: { seed?: boolean } = {}): Promise<StudioServer> {
  for (const built of ['packages/server/dist/cli.js', 'packages/studio/dist/index.html']) {
    if (!existsSync(built)) throw new Error(`${built} is missing: run npm run build first.`)
  }
  const dir = mkdtempSync(join(tmpdir(), 'tapedeck-studio-e2e-'))
  const child: ChildProcess = spawn(process.execPath, ['packages/server/dist/cli.js', '--port', '0', '--data', dir], {
    env: {
      ...process.env,
      TAPEDECK_INGEST_KEY: KEYS.ingest,
      TAPEDECK_READ_KEY: KEYS.read,
      TAPEDECK_REVIEW_KEY: KEYS.review,
      TAPEDECK_ADMIN_KEY: KEYS.admin,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const url = await new Promise<string>((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error(`tapedeck-server did not start: ${output}`)), 15_000)
    const read = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /listening on (http:\/\/[\d.:]+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    }
    child.stdout!.on('data', read)
    child.stderr!.on('data', read)
    child.once('exit', (code) => reject(new Error(`tapedeck-server exited (${code}): ${output}`)))
  })
  const sessions = seed ? studioSessions() : []
  await ingestSessions(url, KEYS.ingest, sessions)
  return {
    url,
    sessions,
    async close() {
      child.kill('SIGTERM')
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
