import { describe, expect, test } from 'vitest'
import { codeOf } from '../../../core/test/codeOf'
import { scriptOptions } from './scriptOptions'

describe('scriptOptions (the script tag attributes)', () => {
  test('no Tapedeck attribute: nothing is set up on its own', () => {
    expect(scriptOptions({})).toBeUndefined()
    expect(scriptOptions({ other: 'x' })).toBeUndefined()
  })

  test('the attributes become init options', () => {
    expect(scriptOptions({ endpoint: 'https://rec.example.com', consent: 'required', widget: '', autoStart: '' })).toEqual({
      options: { endpoint: 'https://rec.example.com', consent: 'required', widget: true },
      autoStart: true,
    })
    expect(scriptOptions({ widget: 'top-left', workerUrl: '/static/tapedeck.js', dbName: 'shop' })).toEqual({
      options: { widget: { position: 'top-left' }, workerUrl: '/static/tapedeck.js', dbName: 'shop' },
      autoStart: false,
    })
    expect(scriptOptions({ widget: 'false', autoStart: 'false' })).toEqual({ options: {}, autoStart: false })
  })

  test('data-capture lists the kinds to capture; none turns auto capture off', () => {
    expect(scriptOptions({ capture: 'clicks, llm' })?.options.autoCapture).toEqual({ clicks: true, navigation: false, forms: false, errors: false, llm: true })
    expect(scriptOptions({ capture: 'navigation errors' })?.options.autoCapture).toEqual({ clicks: false, navigation: true, forms: false, errors: true, llm: false })
    expect(scriptOptions({ capture: 'none' })?.options.autoCapture).toBe(false)
  })

  test('a value that means nothing is refused with invalid_options', () => {
    expect(codeOf(() => scriptOptions({ consent: 'yes' }))).toBe('invalid_options')
    expect(codeOf(() => scriptOptions({ capture: 'clicks keystrokes' }))).toBe('invalid_options')
  })
})
