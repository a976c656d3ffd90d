// `@tapedeck/server/postgres`: the PostgreSQL store. Its types are `pg`'s (install `pg`, and
// `@types/pg` for TypeScript); `pg` itself is loaded only when a store first connects.
export { createPostgresStore, type PostgresStoreOptions } from './store/createPostgresStore.js'
export { bulkLoadPostgres } from './store/bulkLoadPostgres.js'
