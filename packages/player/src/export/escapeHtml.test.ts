import { describe, expect, test } from 'vitest'
import { escapeHtml } from './escapeHtml'

describe('escapeHtml', () => {
  test('the five characters that matter in text and quoted attributes become entities', () => {
    expect(escapeHtml(`<img src=x onerror="alert('1')"> & more`)).toBe('&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; more')
    expect(escapeHtml('&lt;')).toBe('&amp;lt;') // escaped once more, never decoded
  })

  test('empty for null and undefined; numbers and booleans as they print; objects as escaped JSON', () => {
    expect(escapeHtml(undefined)).toBe('')
    expect(escapeHtml(null)).toBe('')
    expect(escapeHtml(12.5)).toBe('12.5')
    expect(escapeHtml(true)).toBe('true')
    expect(escapeHtml({ tag: '<b>' })).toBe('{&quot;tag&quot;:&quot;&lt;b&gt;&quot;}')
  })
})
