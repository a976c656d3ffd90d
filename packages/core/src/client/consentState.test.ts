import { describe, expect, test } from 'vitest'
import { consentConfig } from './consentState'
import type { RecorderOptions } from './types'

const config = (option: unknown) => consentConfig(option as RecorderOptions['consent'], 'db')
const failure = (option: unknown) => {
  try {
    config(option)
  } catch (error) {
    return error as { code?: string; message: string }
  }
  return undefined
}

describe('consentConfig', () => {
  test('absent or null parts take the defaults', () => {
    for (const option of [undefined, null, {}, { mode: null, audio: null }]) {
      expect(config(option)).toEqual({ mode: 'none', audio: 'required', storageKey: 'tapedeck-consent:db' })
    }
    expect(config('required')).toMatchObject({ mode: 'required', audio: 'required' })
    expect(config({ mode: 'required', audio: 'none', remember: false })).toEqual({ mode: 'required', audio: 'none', storageKey: undefined })
  })

  test('a value that is not a mode fails at once, naming the field at fault', () => {
    expect(failure('always')).toMatchObject({ code: 'invalid_options', message: expect.stringMatching(/^consent must be 'none' or 'required', got "always"/) })
    expect(failure(true)).toMatchObject({ code: 'invalid_options', message: expect.stringMatching(/^consent must be/) })
    expect(failure({ mode: 'yes' })).toMatchObject({ code: 'invalid_options', message: expect.stringMatching(/^consent\.mode must be/) })
    expect(failure({ audio: 'off' })).toMatchObject({ code: 'invalid_options', message: expect.stringMatching(/^consent\.audio must be 'none' or 'required', got "off"/) })
  })
})
