import OpenAI from 'openai'
import { expect, it } from 'vitest'
import { BROWSER } from '../test/backend'
import { useRecorderFixture } from '../test/recorderFixture'
import { createNodeRecorder } from './createNodeRecorder'

// A server-side recording holds nothing the page would have redacted: the same rules
// (@tapedeck/core/redact), the same options as createRecorder({ redact }).
const fixture = useRecorderFixture()
const open = fixture.open

it('with no redact option, the built-in rules and the credential rules apply to LLM calls and to the app’s own events, as in the browser', async () => {
  const tapedeck = open({ capture: 'full' })
  const openai = new OpenAI({ apiKey: 'sk-test-redaction', baseURL: `${fixture.mock.url}/v1`, fetch: tapedeck.fetch, maxRetries: 0 })
  await tapedeck.run(BROWSER, async () => {
    await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Mail ada@example.com, card 4111 1111 1111 1111' }] })
    tapedeck.record('x.lookup', { customer: 'grace@example.org', headers: { authorization: 'Bearer abc.def.ghi' }, token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlX3ZhbHVl' })
  })
  await tapedeck.flush()

  const stream = await fixture.backend.stream()
  const text = JSON.stringify(stream)
  for (const secret of ['ada@example.com', '4111 1111 1111 1111', 'grace@example.org', 'abc.def.ghi', 'eyJhbGciOiJIUzI1NiJ9', 'sk-test-redaction']) {
    expect(text).not.toContain(secret)
  }
  const started = stream.find((event) => event.type === 'provider.call.started')!
  expect(started.data).toMatchObject({ messages: [{ role: 'user', content: 'Mail [email], card [card]' }] })
  expect(stream.find((event) => event.type === 'x.lookup')!.data).toMatchObject({ customer: '[email]', headers: { authorization: '[credential]' } })
  expect(tapedeck.stats.redactions).toBeGreaterThanOrEqual(5)
})

it('the page’s RedactOptions — built-ins chosen, a custom pattern, a JSON path — are applied as the browser’s worker applies them', async () => {
  const tapedeck = open({
    capture: 'full',
    redact: { builtins: ['email'], patterns: [{ name: 'order', pattern: /ORD-\d+/ }], paths: ['data.customer.address'] },
  })
  tapedeck.run(BROWSER, () =>
    tapedeck.record('x.order', { note: 'ORD-77 for ada@example.com, call +1 415 555 0100', customer: { address: '1 Main St', city: 'Paris' } }),
  )
  await tapedeck.flush()
  const order = (await fixture.backend.stream()).find((event) => event.type === 'x.order')!
  // The phone number stays: this page turned that built-in rule off.
  expect(order.data).toEqual({ note: '[order] for [email], call +1 415 555 0100', customer: { address: '[redacted]', city: 'Paris' } })
})

it('a rule that cannot work fails at createNodeRecorder(), with the browser’s code, not later in a request', () => {
  expect(() => createNodeRecorder({ endpoint: 'http://127.0.0.1:9', closeOnExit: false, redact: { patterns: [{ name: 'any', pattern: /x*/ }] } })).toThrow(
    expect.objectContaining({ code: 'invalid_redaction_rule' }),
  )
})
