import { Validator, type Schema } from '@cfworker/json-schema'

/** A JSON Schema (drafts 4, 7, 2019-09, 2020-12) as a plain object, or `true`/`false`. */
export type JsonSchema = Record<string, unknown> | boolean

export type SchemaTest = (value: unknown) => { valid: boolean; errors: string[] }

const compiled = new WeakMap<object, SchemaTest>()

/**
 * A validator for a JSON Schema, built once per schema object. @cfworker/json-schema interprets
 * the schema (no `new Function`, unlike ajv's compiled validators), so it runs under a strict
 * Content-Security-Policy and in workers as well as in Node; 22.6 KB minified (6.4 KB gzip), no dependency.
 */
export function schemaTest(schema: JsonSchema): SchemaTest {
  if (typeof schema === 'boolean') return () => ({ valid: schema, errors: schema ? [] : ['the schema is false'] })
  let test = compiled.get(schema)
  if (test) return test
  const draft = typeof schema.$schema === 'string' && schema.$schema.includes('draft-04') ? '4' : typeof schema.$schema === 'string' && schema.$schema.includes('draft-07') ? '7' : '2020-12'
  const validator = new Validator(schema as Schema, draft, false)
  test = (value) => {
    const result = validator.validate(value)
    return { valid: result.valid, errors: result.valid ? [] : result.errors.slice(0, 5).map((unit) => `${unit.instanceLocation}: ${unit.error}`) }
  }
  compiled.set(schema, test)
  return test
}
