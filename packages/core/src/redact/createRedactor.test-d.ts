import { expectTypeOf, test } from 'vitest'
import { createRedactor, type BuiltinRule } from './index'

test('redact returns a value of the type it was given', () => {
  const { value, count } = createRedactor().redact({ a: 1, b: ['x'] as string[] })
  expectTypeOf(value).toEqualTypeOf<{ a: number; b: string[] }>()
  expectTypeOf(count).toEqualTypeOf<number>()
})

test('builtins takes a boolean or known rule names only', () => {
  expectTypeOf<'email' | 'phone' | 'card' | 'iban' | 'ip' | 'jwt'>().toEqualTypeOf<BuiltinRule>()
  createRedactor({ builtins: false })
  createRedactor({ builtins: ['email', 'ip'] })
  // @ts-expect-error: not a rule
  createRedactor({ builtins: ['emial'] })
})
