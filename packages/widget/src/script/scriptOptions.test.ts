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

  test('the capture options of docs/capture.md: sampling, on-error mode, propagation, persist', () => {
    expect(
      scriptOptions({ sampleRate: '0.25', sample: 'user.action:0.1, x.checkout.step:1', mode: 'on-error', bufferMs: '30000', propagate: 'https://api.example.com https://auth.example.com', persist: '' }),
    ).toEqual({
      options: {
        sampleRate: 0.25,
        sample: { 'user.action': 0.1, 'x.checkout.step': 1 },
        mode: 'on-error',
        bufferMs: 30000,
        propagate: { origins: ['https://api.example.com', 'https://auth.example.com'] },
        persist: true,
      },
      autoStart: false,
    })
    expect(scriptOptions({ sampleRate: '0', mode: 'always', persist: 'false' })?.options).toEqual({ sampleRate: 0, mode: 'always', persist: false })
    // Each of them alone is enough for the script tag to set the recorder up.
    const alone = { sampleRate: '1', sample: 'user.action:1', mode: 'always', bufferMs: '1', propagate: 'https://a.example', persist: '' }
    for (const [key, value] of Object.entries(alone)) expect(scriptOptions({ [key]: value })?.options, key).toHaveProperty(key)
  })

  test('data-capture also names the recorder’s own kinds: console, network, socket, context, vitals', () => {
    expect(scriptOptions({ capture: 'console network socket context vitals' })?.options.autoCapture).toEqual({
      clicks: false,
      navigation: false,
      forms: false,
      errors: false,
      llm: false,
      console: true,
      network: true,
      socket: true,
      context: true,
      vitals: true,
    })
  })

  test('a value that means nothing is refused with invalid_options, naming the attribute', () => {
    expect(codeOf(() => scriptOptions({ consent: 'yes' }))).toBe('invalid_options')
    expect(codeOf(() => scriptOptions({ capture: 'clicks keystrokes' }))).toBe('invalid_options')
    const refused = (data: Record<string, string>) => {
      try {
        scriptOptions(data)
      } catch (error) {
        return `${(error as { code: string }).code}: ${(error as Error).message}`
      }
      return 'accepted'
    }
    expect(refused({ sampleRate: '1.5' })).toBe('invalid_options: data-sample-rate cannot be "1.5" (docs/widget.md lists its values).')
    expect(refused({ sampleRate: '' })).toMatch(/^invalid_options: data-sample-rate /)
    expect(refused({ sampleRate: 'half' })).toMatch(/^invalid_options: data-sample-rate /)
    expect(refused({ mode: 'sometimes' })).toMatch(/^invalid_options: data-mode cannot be "sometimes"/)
    expect(refused({ capture: 'clicks keystrokes' })).toMatch(/^invalid_options: data-capture cannot be "keystrokes"/)
    expect(refused({ bufferMs: '0' })).toMatch(/^invalid_options: data-buffer-ms /)
    expect(refused({ bufferMs: '-5' })).toMatch(/^invalid_options: data-buffer-ms /)
    expect(refused({ sample: 'user.action' })).toMatch(/^invalid_options: data-sample cannot be "user\.action"/)
    expect(refused({ sample: 'x.a:0.5 user.action:2' })).toMatch(/^invalid_options: data-sample /)
    expect(refused({ sample: ':0.5' })).toMatch(/^invalid_options: data-sample /)
  })
})
