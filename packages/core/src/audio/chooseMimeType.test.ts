import { describe, expect, test } from 'vitest'
import { AUDIO_MIME_TYPES, chooseMimeType } from './chooseMimeType'

const supports = (...types: string[]) => (type: string) => types.includes(type)

describe('chooseMimeType', () => {
  test('takes the first type the browser records, in the order of AUDIO_MIME_TYPES', () => {
    expect(chooseMimeType(supports(...AUDIO_MIME_TYPES))).toBe('audio/webm;codecs=opus')
    // Safari before WebM recording: MP4/AAC.
    expect(chooseMimeType(supports('audio/mp4', 'audio/mp4;codecs=mp4a.40.2'))).toBe('audio/mp4;codecs=mp4a.40.2')
    expect(chooseMimeType(supports('audio/mp4'))).toBe('audio/mp4')
    expect(chooseMimeType(supports('audio/ogg;codecs=opus'))).toBe('audio/ogg;codecs=opus')
  })

  test('a preferred type wins when it can be recorded, and is passed over when not', () => {
    expect(chooseMimeType(supports('audio/webm;codecs=opus', 'audio/mp4'), 'audio/mp4')).toBe('audio/mp4')
    expect(chooseMimeType(supports('audio/webm;codecs=opus'), 'audio/wav')).toBe('audio/webm;codecs=opus')
  })

  test('null when nothing can be recorded; a throwing isTypeSupported counts as no', () => {
    expect(chooseMimeType(supports())).toBeNull()
    expect(
      chooseMimeType((type) => {
        if (type.includes('webm')) throw new Error('unknown')
        return type === 'audio/ogg;codecs=opus'
      }),
    ).toBe('audio/ogg;codecs=opus')
  })

  test("without isTypeSupported the browser chooses ('') unless a type was asked for", () => {
    expect(chooseMimeType(undefined)).toBe('')
    expect(chooseMimeType(undefined, 'audio/webm')).toBe('audio/webm')
  })
})
