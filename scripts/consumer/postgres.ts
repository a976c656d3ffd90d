// What an app on PostgreSQL sees of the published server: `pg` and `@types/pg` installed next to it
// (see browser.ts for how the marks work).
import { Pool } from 'pg'
import { createHandler } from '@tapedeck/server'
import { bulkLoadPostgres, createPostgresStore, type PostgresStoreOptions } from '@tapedeck/server/postgres'

// @package @tapedeck/server
const options: PostgresStoreOptions = { pool: new Pool({ max: 2 }) }
createHandler({ store: createPostgresStore(options) })
createHandler({ store: createPostgresStore({ connectionString: 'postgres://localhost/tapedeck', max: 4 }) })
// @ts-expect-error a pool is pg's Pool
createPostgresStore({ pool: 'not a pool' })
void bulkLoadPostgres
