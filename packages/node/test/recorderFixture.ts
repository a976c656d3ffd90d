import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import { startMockLlm, type MockLlm } from '../../../e2e/support/mockLlm'
import { createNodeRecorder, type NodeRecorder, type NodeRecorderOptions } from '../src/createNodeRecorder'
import { startBackend, type Backend } from './backend'

/**
 * The mock LLM for the file, a fresh backend (startBackend) per test, and `open()` for a
 * recorder sending to it, closed after the test. Read `mock` and `backend` inside tests.
 */
export function useRecorderFixture(defaults: Partial<NodeRecorderOptions> = {}) {
  const fixture = {} as { mock: MockLlm; backend: Backend; open(options?: Partial<NodeRecorderOptions>): NodeRecorder }
  let recorder: NodeRecorder | undefined
  beforeAll(async () => {
    fixture.mock = await startMockLlm()
  })
  afterAll(() => fixture.mock.close())
  beforeEach(async () => {
    fixture.backend = await startBackend()
  })
  afterEach(async () => {
    await recorder?.close()
    recorder = undefined
    await fixture.backend.close()
  })
  fixture.open = (options = {}) =>
    (recorder = createNodeRecorder({ endpoint: fixture.backend.url, flushIntervalMs: 10, closeOnExit: false, ...defaults, ...options }))
  return fixture
}
