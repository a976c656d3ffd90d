import type { PageLifecycle } from '@tapedeck/core'
import { describe, expect, test } from 'vitest'
import { page as browserPage, userEvent } from 'vitest/browser'
import { recorderFor, uniqueDb, waitFor } from '../../../core/test/browser'
import { newProxy } from '../../../core/test/sync'
import { restore, mount, add, shadow, nameOf, control, part, stateText, syncText, focused, recording } from './testing/mountElement'

describe('<tapedeck-recorder>', () => {
  test('renders in its own open shadow root; the light DOM stays empty', async () => {
    const { recorder } = await recording()
    const element = mount(recorder)
    expect(element).toBeInstanceOf(customElements.get('tapedeck-recorder')!)
    expect(element.childNodes).toHaveLength(0)
    expect(shadow(element).querySelector('[role="region"]')!.getAttribute('aria-label')).toBe('Session recorder')
    expect(stateText(element)).toBe('Recording')
    expect(getComputedStyle(element).position).toBe('fixed')
    // The default corner, and the others.
    const rect = element.getBoundingClientRect()
    expect(innerWidth - rect.right).toBeCloseTo(16, 0)
    expect(innerHeight - rect.bottom).toBeCloseTo(16, 0)
    element.setAttribute('position', 'top-left')
    expect(element.getBoundingClientRect()).toMatchObject({ left: 16, top: 16 })
  })

  test("page styles do not get in, and the widget's styles do not get out", async () => {
    const pageElements = () => [...document.querySelectorAll('.page-probe')]
    const styleOf = (el: Element) => {
      const style = getComputedStyle(el)
      return ['color', 'background-color', 'padding', 'display', 'font-family', 'border-radius', 'letter-spacing', 'cursor'].map((name) => style.getPropertyValue(name))
    }
    // Page elements named like the widget's insides.
    for (const html of ['<button class="page-probe grip">b</button>', '<div class="page-probe panel row">d</div>', '<span class="page-probe dot state">s</span>', '<progress class="page-probe"></progress>', '<div class="page-probe" hidden style="display:block">h</div>']) {
      const holder = add(document.createElement('div'))
      holder.innerHTML = html
    }
    const before = pageElements().map(styleOf)

    const sheet = add(document.createElement('style'))
    sheet.textContent = `
      body { color: rgb(255, 0, 0); font-family: serif; letter-spacing: 4px; text-transform: uppercase; line-height: 3; font-size: 30px }
      tapedeck-recorder { color: rgb(255, 0, 0); font-family: serif; letter-spacing: 4px; text-transform: uppercase; font-size: 30px }
      button, .panel, .row, .dot, .state, progress { background: rgb(0, 255, 0) !important; padding: 30px !important; border: 5px solid blue; display: block; color: rgb(0, 0, 255) }
      [hidden] { display: block }`
    const { recorder } = await recording()
    const element = mount(recorder)

    const pause = control(element, 'Pause recording')
    const inside = getComputedStyle(pause)
    expect(inside.backgroundColor).not.toBe('rgb(0, 255, 0)')
    expect(inside.padding).toBe('2px 8px')
    expect(inside.color).toBe('rgb(240, 243, 246)')
    expect(inside.letterSpacing).toBe('normal')
    expect(inside.textTransform).toBe('none')
    expect(inside.fontSize).toBe('13px')
    expect(inside.fontFamily).not.toBe('serif')
    const panel = getComputedStyle(shadow(element).querySelector('.panel')!)
    expect(panel.display).toBe('flex')
    expect(panel.backgroundColor).toBe('rgb(31, 35, 40)')
    expect(panel.lineHeight).not.toBe('90px')
    expect(part(element, 'error').hidden && getComputedStyle(part(element, 'error')).display).toBe('none')

    // What the page styles itself is what it gets, widget or not.
    sheet.remove()
    expect(pageElements().map(styleOf)).toEqual(before)
  })

  test('the controls call the recorder: record, pause, resume', async () => {
    const recorder = recorderFor(uniqueDb())
    const element = mount(recorder)
    expect(stateText(element)).toBe('Not recording')
    await userEvent.click(control(element, 'Start recording'))
    await waitFor(() => recorder.getSnapshot().session, (session) => session !== null)
    expect(recorder.getSnapshot().state).toBe('recording')
    expect(stateText(element)).toBe('Recording')

    await userEvent.click(control(element, 'Pause recording'))
    expect(recorder.getSnapshot().state).toBe('paused')
    expect(stateText(element)).toBe('Paused')
    expect(control(element, 'Mark this moment').disabled).toBe(true)

    await userEvent.click(control(element, 'Resume recording'))
    expect(recorder.getSnapshot().state).toBe('recording')
    const id = recorder.getSnapshot().session!.id
    await recorder.flush()
    expect((await recorder.sessions.events(id)).map((e) => e.type)).toEqual(['session.started', 'session.paused', 'session.resumed'])
  })

  test('a recorder given later, or taken away, is followed', async () => {
    const element = mount(null)
    expect(stateText(element)).toBe('No recorder')
    const { recorder } = await recording()
    element.recorder = recorder
    expect(stateText(element)).toBe('Recording')
    element.recorder = null
    recorder.pause()
    expect(stateText(element)).toBe('No recorder')
  })

  test('sync state: pending count, offline, upload errors, refused batches and their retry', async () => {
    let page: Parameters<PageLifecycle['subscribe']>[0] | undefined
    const proxy = await newProxy({ fallback: { status: 503 } })
    const { recorder } = await recording({
      endpoint: proxy.url,
      sync: 'manual',
      retry: { baseMs: 60_000, capMs: 60_000 },
      lifecycle: { subscribe: (events) => ((page = events), () => {}) },
    })
    const element = mount(recorder)
    for (let i = 0; i < 5; i++) recorder.record('x.step', { i })
    await recorder.flush()
    const pending = recorder.getSnapshot().sync!.pendingEvents
    expect(pending).toBe(6)
    expect(syncText(element)).toBe('6 pending')

    page!.connectivity(false)
    await waitFor(() => syncText(element), (text) => text === 'Offline · 6 pending')
    expect(part(element, 'sync').dataset.tone).toBe('offline')
    page!.connectivity(true)

    await recorder.syncNow()
    expect(recorder.getSnapshot().sync).toMatchObject({ state: 'backoff', pendingEvents: 6 })
    expect(syncText(element)).toBe('Upload failed, retrying · 6 pending')
    const alert = part(element, 'error')
    expect(alert.getAttribute('role')).toBe('alert')
    expect(alert.hidden).toBe(false)
    expect(alert.textContent).toContain('(sync_failed)')
    await userEvent.click(control(element, 'Dismiss the error'))
    expect(alert.hidden).toBe(true)

    await proxy.setPlan({ queue: [{ status: 422, body: '{"error":"no"}' }] })
    await recorder.syncNow()
    await waitFor(() => syncText(element), (text) => text === 'All uploaded · 6 refused by the server')
    expect(recorder.getSnapshot().sync).toMatchObject({ pendingEvents: 0, deadEvents: 6 })
    expect(part(element, 'sync').dataset.tone).toBe('error')
    expect(alert.hidden).toBe(false) // a newer error than the one dismissed
    await proxy.setPlan({})
    await userEvent.click(control(element, 'Retry refused'))
    await waitFor(() => syncText(element), (text) => text === 'All uploaded', 10_000)
    expect(recorder.getSnapshot().sync).toMatchObject({ state: 'idle', deadLetters: 0, pendingEvents: 0 })
    expect(control(element, 'Retry refused').hidden).toBe(true)
  })

  test('an error the recorder reports is shown until dismissed', async () => {
    const { recorder } = await recording()
    const element = mount(recorder)
    expect(part(element, 'error').hidden).toBe(true)
    expect(recorder.record('not a type' as 'x.step', {})).toBe(false)
    expect(part(element, 'error').hidden).toBe(false)
    expect(part(element, 'error').textContent).toContain('(invalid_event_type)')
  })

  test('keyboard: Tab reaches every control in order, Enter and Space press them', async () => {
    const { recorder } = await recording()
    const before = add(document.createElement('button'))
    before.textContent = 'page button'
    const element = mount(recorder)
    before.focus()
    const reached: string[] = []
    for (let i = 0; i < 5; i++) {
      await userEvent.tab()
      reached.push(nameOf(focused(element)!))
    }
    expect(reached).toEqual(['Move the recorder (arrow keys)', 'Pause recording', 'Record the microphone', 'Mark this moment', 'Download this session'])

    control(element, 'Pause recording').focus()
    await userEvent.keyboard('{Enter}')
    expect(recorder.getSnapshot().state).toBe('paused')
    expect(nameOf(focused(element)!)).toBe('Resume recording')
    await userEvent.keyboard(' ')
    expect(recorder.getSnapshot().state).toBe('recording')
  })

  test('ARIA: a labelled region, live status, a name for every control, pressed and expanded states', async () => {
    const { recorder } = await recording()
    const element = mount(recorder)
    const root = shadow(element)
    expect(root.querySelector('.state')!.getAttribute('role')).toBe('status')
    expect(part(element, 'sync').getAttribute('role')).toBe('status')
    for (const button of root.querySelectorAll('button')) expect(nameOf(button).trim(), button.outerHTML).not.toBe('')
    expect(root.querySelector('input')!.getAttribute('aria-label')).toBe('Comment for this moment (optional)')
    expect(control(element, 'Record the microphone').getAttribute('aria-pressed')).toBe('false')
    const mark = control(element, 'Mark this moment')
    expect(mark.getAttribute('aria-expanded')).toBe('false')
    await userEvent.click(mark)
    expect(mark.getAttribute('aria-expanded')).toBe('true')
    expect(part(element, 'consent').getAttribute('aria-label')).toBe('Recording consent')
  })

  test('movable: by dragging its grip, and with the arrow keys', async () => {
    await browserPage.viewport(1000, 800)
    const { recorder } = await recording()
    const element = mount(recorder)
    const start = element.getBoundingClientRect()
    const grip = control(element, 'Move the recorder (arrow keys)')
    grip.focus()
    await userEvent.keyboard('{ArrowLeft}{ArrowLeft}{ArrowLeft}{ArrowUp}')
    expect(element.getBoundingClientRect()).toMatchObject({ left: start.left - 30, top: start.top - 10 })
    await userEvent.keyboard('{Shift>}{ArrowLeft}{ArrowUp}{/Shift}')
    expect(element.getBoundingClientRect()).toMatchObject({ left: start.left - 80, top: start.top - 60 })
    // Never out of the viewport.
    for (let i = 0; i < 200; i++) element.moveBy(-50, -50)
    expect(element.getBoundingClientRect()).toMatchObject({ left: 0, top: 0 })

    const spot = add(document.createElement('div'))
    spot.style.cssText = 'position:fixed;left:300px;top:200px;width:20px;height:20px'
    await userEvent.dragAndDrop(grip, spot)
    const gripBox = grip.getBoundingClientRect()
    expect(gripBox.left + gripBox.width / 2).toBeCloseTo(310, -1)
    expect(gripBox.top + gripBox.height / 2).toBeCloseTo(210, -1)
  })

  test('themed with CSS custom properties', async () => {
    const { recorder } = await recording()
    const element = mount(recorder)
    element.style.cssText = '--tapedeck-bg: rgb(1, 2, 3); --tapedeck-fg: rgb(4, 5, 6); --tapedeck-accent: rgb(7, 8, 9); --tapedeck-font: monospace; --tapedeck-radius: 3px; --tapedeck-z-index: 7'
    const panel = getComputedStyle(shadow(element).querySelector('.panel')!)
    expect(panel.backgroundColor).toBe('rgb(1, 2, 3)')
    expect(panel.color).toBe('rgb(4, 5, 6)')
    expect(panel.fontFamily).toBe('monospace')
    expect(panel.borderRadius).toBe('3px')
    expect(getComputedStyle(shadow(element).querySelector('.dot')!).backgroundColor).toBe('rgb(7, 8, 9)')
    expect(getComputedStyle(element).zIndex).toBe('7')
    // Set anywhere above the element, as custom properties inherit into the shadow root.
    element.style.cssText = ''
    document.documentElement.style.setProperty('--tapedeck-bg', 'rgb(10, 11, 12)')
    restore.push(() => document.documentElement.style.removeProperty('--tapedeck-bg'))
    expect(getComputedStyle(shadow(element).querySelector('.panel')!).backgroundColor).toBe('rgb(10, 11, 12)')
  })
})
