import type { Check } from '../Check'
import { schemaTest, type JsonSchema } from '../jsonSchema'
import { toolCallsOf } from './toolCallsOf'

export interface ToolCallExpectation {
  /** The tool's name. */
  name: string
  /** A JSON Schema the arguments must match (only calls that match count). */
  args?: JsonSchema
  /** How many matching calls are expected: at least `min` (default 1), at most `max`. */
  min?: number
  max?: number
  /** The check's name; default `tool:{name}`. */
  checkName?: string
}

/**
 * The tool was called (with arguments matching a JSON Schema, when given), between `min` and
 * `max` times. Points at the matching calls, or, when there are none, at the other tool calls.
 */
export function toolCalled(expect: ToolCallExpectation): Check {
  const test = expect.args === undefined ? undefined : schemaTest(expect.args)
  const min = expect.min ?? 1
  return {
    name: expect.checkName ?? `tool:${expect.name}`,
    run(context) {
      const all = toolCallsOf(context)
      const named = all.filter((call) => call.name === expect.name)
      const errors: string[] = []
      const matching = named.filter((call) => {
        const result = test?.(call.args)
        if (result && !result.valid) errors.push(...result.errors)
        return !result || result.valid
      })
      const passed = matching.length >= min && (expect.max === undefined || matching.length <= expect.max)
      return {
        passed,
        details: { tool: expect.name, matching: matching.length, named: named.length, min, max: expect.max ?? null, called: all.map((call) => call.name), argErrors: errors.slice(0, 5) },
        eventIds: (matching.length > 0 ? matching : all).map((call) => call.eventId),
      }
    },
  }
}

/** The tool was not called (with arguments matching the schema, when given). Points at the calls that were made. */
export function toolNotCalled(expect: Omit<ToolCallExpectation, 'min' | 'max'>): Check {
  const test = expect.args === undefined ? undefined : schemaTest(expect.args)
  return {
    name: expect.checkName ?? `no-tool:${expect.name}`,
    run(context) {
      const all = toolCallsOf(context)
      const made = all.filter((call) => call.name === expect.name && (!test || test(call.args).valid))
      return { passed: made.length === 0, details: { tool: expect.name, calls: made.length }, eventIds: made.map((call) => call.eventId) }
    },
  }
}
