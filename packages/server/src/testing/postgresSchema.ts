import pg from 'pg'

export interface TestSchema {
  pool: pg.Pool
  dispose(): Promise<void>
}

/** A fresh schema in the DATABASE_URL database, with a pool that works in it: tests neither see nor wait for each other. */
export async function openPostgresSchema(databaseUrl: string): Promise<TestSchema> {
  const schema = `tapedeck_test_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`
  const admin = new pg.Client({ connectionString: databaseUrl })
  await admin.connect()
  await admin.query(`create schema ${schema}`)
  const pool = new pg.Pool({ connectionString: databaseUrl, options: `-c search_path=${schema}`, max: 20 })
  return {
    pool,
    async dispose() {
      await pool.end()
      await admin.query(`drop schema ${schema} cascade`)
      await admin.end()
    },
  }
}
