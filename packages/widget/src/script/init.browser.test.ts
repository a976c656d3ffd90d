import type { Recorder, TapedeckEvent } from '@tapedeck/core'
import { afterEach, describe, expect, inject, test } from 'vitest'
import { userEvent } from 'vitest/browser'
import { uniqueDb, waitFor } from '../../../core/test/browser'
import { codeOf } from '../../../core/test/codeOf'
import type { TapedeckRecorderElement } from '../element/TapedeckRecorderElement'
import { destroy, init } from './init'

const added: Element[] = []
const plainFetch = globalThis.fetch

afterEach(async () => {
  await destroy()
  for (const element of added.splice(0)) element.remove()
  globalThis.fetch = plainFetch
})

function add(html: string): HTMLElement {
  const holder = document.createElement('div')
  holder.innerHTML = html
  document.body.append(holder)
  added.push(holder)
  return holder.firstElementChild as HTMLElement
}

async function eventsOf(recorder: Recorder): Promise<TapedeckEvent[]> {
  await recorder.flush()
  return recorder.sessions.events(recorder.getSnapshot().session!.id)
}

describe('Tapedeck.init', () => {
  test('returns the core recorder; called again, the same one; after destroy(), a new one', async () => {
    const recorder = init({ dbName: uniqueDb() })
    expect(init({ dbName: 'ignored' })).toBe(recorder)
    for (const method of ['start', 'record', 'flush', 'stop', 'pause', 'resume', 'syncNow', 'getSnapshot', 'subscribe'] as const) {
      expect(typeof recorder[method]).toBe('function')
    }
    expect(typeof recorder.sessions.export).toBe('function')
    await recorder.start()
    expect(recorder.getSnapshot()).toMatchObject({ state: 'recording', engine: 'worker' })
    await destroy()
    expect(recorder.getSnapshot().state).toBe('closed')
    const next = init({ dbName: uniqueDb() })
    expect(next).not.toBe(recorder)
  })

  test('auto capture by default: clicks on any button or link, navigation, form submits', async () => {
    const recorder = init({ dbName: uniqueDb() })
    await recorder.start()
    await userEvent.click(add('<button type="button">Send</button>'))
    const form = add('<form name="feedback"><input name="comment" value="typed text"><button>Submit</button></form>')
    form.addEventListener('submit', (event) => event.preventDefault())
    await userEvent.click(form.querySelector('button')!)
    history.pushState({}, '', `${location.pathname}#/orders`)
    history.back()
    await waitFor(() => eventsOf(recorder), (events) => events.filter((e) => e.type === 'user.action').length >= 5)
    const actions = (await eventsOf(recorder)).filter((e) => e.type === 'user.action').map((e) => e.data)
    expect(actions).toMatchObject([
      { kind: 'click', target: { label: 'Send' } },
      { kind: 'click', target: { label: 'Submit' } },
      { kind: 'submit', fields: ['comment'] },
      { kind: 'navigation', via: 'pushState' },
      { kind: 'navigation', via: 'popstate' },
    ])
    expect(JSON.stringify(actions)).not.toContain('typed text')
  })

  test('autoCapture: false records nothing on its own; a list turns on only those kinds', async () => {
    const recorder = init({ dbName: uniqueDb(), autoCapture: false })
    await recorder.start()
    await userEvent.click(add('<button type="button">Send</button>'))
    history.pushState({}, '', location.pathname)
    expect((await eventsOf(recorder)).map((e) => e.type)).toEqual(['session.started'])
    await destroy()

    const marked = init({ dbName: uniqueDb(), autoCapture: { clicks: 'marked', navigation: false } })
    await marked.start()
    await userEvent.click(add('<button type="button">Plain</button>'))
    await userEvent.click(add('<button type="button" data-tapedeck="buy">Buy</button>'))
    history.pushState({}, '', location.pathname)
    const events = (await eventsOf(marked)).filter((e) => e.type === 'user.action')
    expect(events.map((e) => e.data)).toMatchObject([{ kind: 'click', name: 'buy' }])
  })

  test('the recorder’s own kinds (console, network, socket, context, vitals) reach createRecorder beside the actions; sampling options pass through', async () => {
    const pageError = console.error
    const recorder = init({ dbName: uniqueDb(), sampleRate: 1, autoCapture: { console: true, clicks: false, navigation: false } })
    await recorder.start()
    expect(console.error).not.toBe(pageError)
    const errors = console.error
    console.error = () => {}
    try {
      errors.call(console, 'checkout failed')
    } finally {
      console.error = errors
    }
    await userEvent.click(add('<button type="button">Send</button>'))
    const events = await waitFor(() => eventsOf(recorder), (list) => list.some((e) => e.type === 'console.logged'))
    expect(events.find((e) => e.type === 'console.logged')?.data).toMatchObject({ level: 'error', message: 'checkout failed' })
    expect(events.find((e) => e.type === 'session.started')?.data).toMatchObject({ sampling: { rate: 1 } })
    expect(events.some((e) => e.type === 'user.action')).toBe(false)
    await destroy()
    expect(console.error).toBe(pageError)

    // Actions alone: the recorder's capture is not loaded, nothing of it patched.
    const plain = init({ dbName: uniqueDb(), autoCapture: { clicks: true } })
    await plain.start()
    expect(console.error).toBe(pageError)
  })

  test('llm: true records calls to LLM APIs made with fetch (instrumentFetch); off by default', async () => {
    const mock = inject('mockLlm')
    const ask = () =>
      fetch(`${mock}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test-SECRET' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] }),
      }).then((response) => response.json())

    const plain = init({ dbName: uniqueDb() })
    await plain.start()
    await ask()
    expect((await eventsOf(plain)).map((e) => e.type)).toEqual(['session.started'])
    await destroy()
    expect(globalThis.fetch).toBe(plainFetch)

    const recorder = init({ dbName: uniqueDb(), autoCapture: { llm: true } })
    await recorder.start()
    const answer = (await ask()) as { choices: Array<{ message: { content: string } }> }
    expect(answer.choices[0]!.message.content).toContain('mock reply')
    await waitFor(() => eventsOf(recorder), (events) => events.some((e) => e.type === 'provider.call.completed'))
    const completed = (await eventsOf(recorder)).find((e) => e.type === 'provider.call.completed')!
    expect(completed.data).toMatchObject({ model: 'gpt-4o-mini', provider: 'openai-compatible' })
    expect(JSON.stringify(completed)).not.toContain('SECRET')
    await destroy()
    expect(globalThis.fetch).toBe(plainFetch)
  })

  test('llm capture loads on its own (tapedeck-llm.js in the script tag): destroyed before it loaded, fetch is never wrapped', async () => {
    init({ dbName: uniqueDb(), autoCapture: { llm: true } })
    await destroy()
    // Long enough for the capture module to have loaded (it is already in the module graph here).
    await import('@tapedeck/core/instrument')
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(globalThis.fetch).toBe(plainFetch)
  })

  test('widget: adds <tapedeck-recorder> with the recorder, or adopts the one in the page; destroy() takes it away', async () => {
    const recorder = init({ dbName: uniqueDb(), widget: { position: 'top-left' } })
    const element = document.querySelector<TapedeckRecorderElement>('tapedeck-recorder')!
    expect(element.recorder).toBe(recorder)
    expect(element.getAttribute('position')).toBe('top-left')
    expect(element.parentElement).toBe(document.body)
    await destroy()
    expect(element.isConnected).toBe(false)

    const placed = add('<tapedeck-recorder position="bottom-left"></tapedeck-recorder>') as TapedeckRecorderElement
    const second = init({ dbName: uniqueDb(), widget: true })
    expect(document.querySelectorAll('tapedeck-recorder')).toHaveLength(1)
    expect(placed.recorder).toBe(second)
    expect(placed.getAttribute('position')).toBe('bottom-left')
    await destroy()
    expect(placed.isConnected).toBe(true)
    expect(placed.recorder).toBeNull()
  })

  test('options it cannot honour are refused with invalid_options', () => {
    expect(codeOf(() => init({ widget: { position: 'middle' as 'top-left' } }))).toBe('invalid_options')
    expect(codeOf(() => init({ flushIntervalMs: -1 }))).toBe('invalid_options')
  })
})
