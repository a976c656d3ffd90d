export { createRedactor } from './createRedactor'
export type { BuiltinRule, RedactOptions, Redactor } from './types'
export { keepMetadata } from './keepMetadata'
