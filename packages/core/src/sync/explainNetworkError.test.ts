import { describe, expect, test } from 'vitest'
import { explainNetworkError } from './explainNetworkError'

const failed = () => new TypeError('Failed to fetch')

describe('explainNetworkError', () => {
  test('a network failure to another origin names CORS, the origin to allow and the endpoint', () => {
    const error = explainNetworkError(failed(), 'https://rec.example.com/v1/batches', 'http://localhost:5173')
    expect(error).toBeInstanceOf(TypeError)
    const { message, cause } = error as TypeError
    expect(message).toMatch(/^Failed to fetch\. The endpoint \(https:\/\/rec\.example\.com\) is another origin than this page \(http:\/\/localhost:5173\)/)
    expect(message).toContain('CORS')
    expect(message).toContain('--cors-origin http://localhost:5173')
    expect(message).toContain('endpoint URL is wrong')
    expect(cause).toBeInstanceOf(TypeError)
  })

  test('same origin, a relative endpoint, a timeout, an abort or no page origin: the error as it is', () => {
    const same = failed()
    expect(explainNetworkError(same, 'http://localhost:5173/rec/v1/batches', 'http://localhost:5173')).toBe(same)
    const relative = failed()
    expect(explainNetworkError(relative, '/rec/v1/batches', 'http://localhost:5173')).toBe(relative)
    const timeout = new DOMException('signal timed out', 'TimeoutError')
    expect(explainNetworkError(timeout, 'https://rec.example.com/v1/batches', 'http://localhost:5173')).toBe(timeout)
    const other = new Error('boom')
    expect(explainNetworkError(other, 'https://rec.example.com/v1/batches', 'http://localhost:5173')).toBe(other)
    const noPage = failed()
    expect(explainNetworkError(noPage, 'https://rec.example.com/v1/batches', undefined)).toBe(noPage)
  })
})
