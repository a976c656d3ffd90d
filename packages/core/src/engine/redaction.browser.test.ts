import { afterEach, expect, test } from 'vitest'
import { closeAll, rawStoredText, recorderFor, uniqueDb } from '../../test/browser'

afterEach(closeAll)

test('credentials and personal data never reach IndexedDB; custom patterns and paths apply; replacements are counted', async () => {
  const dbName = uniqueDb()
  const recorder = recorderFor(dbName, {
    redact: { patterns: [{ name: 'order_id', pattern: /ORD-\d{6}/ }], paths: ['data.customer.address', 'data.messages[*].attachment'] },
  })
  const { id } = await recorder.start()
  recorder.record('provider.call.started', {
    callId: 'c1',
    provider: 'openai',
    model: 'gpt-4o-mini',
    params: { headers: { Authorization: 'Bearer sk-proj-SECRETSECRETSECRET123', 'x-api-key': 'k-123456' } },
    messages: [{ role: 'user', content: 'Mail me at jane.doe@example.com about ORD-123456', attachment: 'passport.pdf' }],
  })
  recorder.record('x.customer', { customer: { name: 'Jane', address: '1 Main St' }, note: 'key sk-ant-api03-abcdefghijklmnopqrstuvwx' })
  await recorder.flush()

  const stored = await rawStoredText(dbName)
  for (const secret of ['SECRETSECRET', 'k-123456', 'jane.doe@example.com', 'ORD-123456', 'passport.pdf', '1 Main St', 'sk-ant-api03']) {
    expect(stored).not.toContain(secret)
  }
  const [, call, customer] = await recorder.sessions.events(id)
  expect(call!.data).toMatchObject({
    params: { headers: { Authorization: '[credential]', 'x-api-key': '[credential]' } },
    messages: [{ content: 'Mail me at [email] about [order_id]', attachment: '[redacted]' }],
  })
  expect(customer!.data).toMatchObject({ customer: { name: 'Jane', address: '[redacted]' } })
  expect((await recorder.sessions.get(id))!.counters.redactions).toBeGreaterThanOrEqual(6)
})
