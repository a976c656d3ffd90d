#!/usr/bin/env node
import { resolve } from 'node:path'
import { parseCliOptions, USAGE } from './cliOptions.js'
import { createHandler } from './http/createHandler.js'
import { serve } from './node/serve.js'
import { scheduleRetention } from './retention/scheduleRetention.js'
import { createFileStore } from './store/createFileStore.js'
import { createPostgresStore } from './store/createPostgresStore.js'
import { loadPg } from './store/loadPg.js'
import { withStudio } from './studio/serveStudio.js'

async function main(): Promise<void> {
  const options = parseCliOptions(process.argv.slice(2), process.env)
  if (options.help) {
    process.stdout.write(USAGE)
    return
  }
  const { databaseUrl, retentionMs } = options
  // `pg` is an optional peer dependency: without it, say how to install it before listening.
  if (databaseUrl) await loadPg()
  const store = databaseUrl ? createPostgresStore({ connectionString: databaseUrl }) : createFileStore({ dir: resolve(options.data) })
  const handler = createHandler({
    store,
    ingestKeys: options.ingestKeys,
    readKeys: options.readKeys,
    reviewKeys: options.reviewKeys,
    adminKeys: options.adminKeys,
    ingestCanErase: options.ingestCanErase,
    rateLimits: options.rateLimits,
    ...(options.cors && { cors: options.cors }),
  })
  const server = await serve({
    handler: options.studio ? withStudio(handler) : handler,
    port: options.port,
    host: options.host,
    ...(options.headersTimeoutMs !== undefined && { headersTimeoutMs: options.headersTimeoutMs }),
    ...(options.requestTimeoutMs !== undefined && { requestTimeoutMs: options.requestTimeoutMs }),
    ...(options.maxConnections !== undefined && { maxConnections: options.maxConnections }),
  })
  for (const warning of options.warnings) console.warn(warning)
  console.log(`tapedeck-server listening on ${server.url} (store: ${databaseUrl ? 'PostgreSQL' : resolve(options.data)})`)
  if (options.studio) console.log(`Tapedeck Studio: ${server.url}/`)
  const retention =
    retentionMs === undefined
      ? undefined
      : scheduleRetention({ store, retentionMs, ...(options.retentionIntervalMs !== undefined && { intervalMs: options.retentionIntervalMs }) })

  const stop = async () => {
    await server.close()
    await retention?.stop()
    await store.close()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error: unknown) => {
  console.error(`tapedeck-server: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
