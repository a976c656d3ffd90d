#!/usr/bin/env node
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { createHandler } from './http/createHandler.js'
import { serve } from './node/serve.js'
import { createFileStore } from './store/createFileStore.js'
import { createPostgresStore } from './store/createPostgresStore.js'

const USAGE = `Usage: tapedeck-server [options]

  --port <n>            port to listen on (default 8787, 0 = any free port)
  --host <addr>         address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --data <dir>          data folder of the file store (default ./.tapedeck-data)
  --database-url <url>  use PostgreSQL instead of files
  --cors-origin <o>     a browser origin allowed to call, repeatable (default: any origin)

Keys (comma-separated for several):
  TAPEDECK_INGEST_KEY   may only send batches and blobs
  TAPEDECK_READ_KEY     may only read and erase
`

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      data: { type: 'string', default: './.tapedeck-data' },
      'database-url': { type: 'string' },
      'cors-origin': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    process.stdout.write(USAGE)
    return
  }
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0 to 65535, not ${values.port}.`)
  const ingestKeys = keysFrom('TAPEDECK_INGEST_KEY')
  const readKeys = keysFrom('TAPEDECK_READ_KEY')
  const databaseUrl = values['database-url']
  const store = databaseUrl ? createPostgresStore({ connectionString: databaseUrl }) : createFileStore({ dir: resolve(values.data) })
  const handler = createHandler({ store, ingestKeys, readKeys, cors: { origins: values['cors-origin'] ?? '*' } })
  const server = await serve({ handler, port, host: values.host })

  if (ingestKeys.length === 0 && readKeys.length === 0) {
    console.warn(
      [
        '',
        '!!! tapedeck-server is OPEN: no keys are set, so anyone who can reach it can send, read and erase recordings.',
        '!!! Set TAPEDECK_INGEST_KEY and TAPEDECK_READ_KEY before it listens anywhere but this machine.',
        '',
      ].join('\n'),
    )
  } else if (readKeys.length === 0) {
    console.warn('tapedeck-server: TAPEDECK_READ_KEY is not set, so nothing can read or erase recordings.')
  }
  console.log(`tapedeck-server listening on ${server.url} (store: ${databaseUrl ? 'PostgreSQL' : resolve(values.data)})`)

  const stop = async () => {
    await server.close()
    await store.close()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

function keysFrom(name: string): string[] {
  return (process.env[name] ?? '').split(',').map((key) => key.trim()).filter(Boolean)
}

main().catch((error: unknown) => {
  console.error(`tapedeck-server: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
