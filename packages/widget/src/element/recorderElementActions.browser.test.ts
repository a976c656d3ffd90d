import { describe, expect, test } from 'vitest'
import { userEvent } from 'vitest/browser'
import { recorderFor, uniqueDb, waitFor } from '../../../core/test/browser'
import { restore, mount, add, shadow, nameOf, control, part, stateText, focused, recording } from './testing/mountElement'
import { defineRecorderElement } from './defineRecorderElement'
import type { DownloadDetail, TapedeckRecorderElement } from './TapedeckRecorderElement'

describe('<tapedeck-recorder>: marks, saving, consent and the microphone', () => {
  test('"Mark this moment" records annotation.added as a checkpoint, with the comment when there is one', async () => {
    const { recorder, id } = await recording()
    const element = mount(recorder)
    await userEvent.click(control(element, 'Mark this moment'))
    expect(part(element, 'mark').hidden).toBe(false)
    expect(focused(element)).toBe(shadow(element).querySelector('input'))
    await userEvent.keyboard('the answer was wrong{Enter}')
    expect(part(element, 'mark').hidden).toBe(true)
    expect(nameOf(focused(element)!)).toBe('Mark this moment')

    await userEvent.click(control(element, 'Mark this moment'))
    await userEvent.click(control(element, 'Add mark'))
    await userEvent.click(control(element, 'Mark this moment'))
    await userEvent.keyboard('never mind{Escape}')
    expect(part(element, 'mark').hidden).toBe(true)

    await recorder.flush()
    const marks = (await recorder.sessions.events(id)).filter((e) => e.type === 'annotation.added')
    expect(marks).toHaveLength(2)
    expect(marks[0]).toMatchObject({ checkpoint: true, data: { kind: 'comment', key: 'moment', value: 'the answer was wrong', target: 'session' } })
    expect(marks[1]).toMatchObject({ checkpoint: true, data: { kind: 'label', key: 'moment', value: 'marked', target: 'session' } })
    const ids = marks.map((mark) => (mark.data as { annotationId: string }).annotationId)
    expect(ids[0]).not.toBe(ids[1])
  })

  test('Save downloads the session as JSONL (a cancelable tapedeck-download event carries the file)', async () => {
    const { recorder, id } = await recording()
    recorder.record('message.created', { messageId: 'm1', role: 'user', content: 'hello' })
    const element = mount(recorder)
    const downloads: DownloadDetail[] = []
    const listener = (event: Event) => {
      event.preventDefault()
      downloads.push((event as CustomEvent<DownloadDetail>).detail)
    }
    document.addEventListener('tapedeck-download', listener)
    restore.push(() => document.removeEventListener('tapedeck-download', listener))
    await userEvent.click(control(element, 'Download this session'))
    await waitFor(() => downloads.length, (count) => count === 1)
    const { blob, filename, sessionId } = downloads[0]!
    expect({ filename, sessionId, type: blob.type }).toEqual({ filename: `tapedeck-${id}.jsonl`, sessionId: id, type: 'application/x-ndjson' })
    const lines = (await blob.text()).trim().split('\n').map((line) => JSON.parse(line))
    expect(lines).toEqual(await recorder.sessions.events(id))
    expect(lines.map((e) => e.type)).toEqual(['session.started', 'message.created'])

    // The session stays downloadable once stopped.
    await recorder.stop()
    expect(control(element, 'Download this session').disabled).toBe(false)
    const after = await element.download()
    expect((await after!.blob.text()).trim().split('\n').at(-1)).toContain('"session.ended"')
  })

  test('consent required: a prompt; Allow grants, Decline withdraws, and Record asks again', async () => {
    const recorder = recorderFor(uniqueDb(), { consent: 'required' })
    await recorder.start()
    const element = mount(recorder)
    const prompt = part(element, 'consent')
    expect(prompt.hidden).toBe(false)
    expect(stateText(element)).toBe('Waiting for consent')
    expect(control(element, 'Start recording').disabled).toBe(true)
    expect(part(element, 'ask').textContent).toContain('This page can record this conversation')

    await userEvent.click(control(element, 'Decline'))
    await waitFor(() => recorder.getSnapshot().consent.state, (state) => state === 'withdrawn')
    expect(prompt.hidden).toBe(true)
    expect(stateText(element)).toBe('Recording declined')

    await userEvent.click(control(element, 'Record: asks for consent again'))
    expect(prompt.hidden).toBe(false)
    expect(nameOf(focused(element)!)).toBe('Allow')
    await userEvent.keyboard('{Enter}')
    await waitFor(() => recorder.getSnapshot(), (status) => status.consent.state === 'granted' && status.state === 'recording')
    expect(prompt.hidden).toBe(true)
    expect(stateText(element)).toBe('Recording')
    expect(recorder.getSnapshot().consent.scopes).toEqual({ content: true, actions: true, audio: false })
  })

  test('the consent text can be the page\'s own (slot "consent")', async () => {
    const recorder = recorderFor(uniqueDb(), { consent: 'required' })
    defineRecorderElement()
    const element = document.createElement('tapedeck-recorder') as TapedeckRecorderElement
    element.innerHTML = '<span slot="consent">We record chats to train support staff.</span>'
    element.recorder = recorder
    add(element)
    const slot = part(element, 'ask').querySelector('slot')!
    expect(slot.assignedNodes().map((node) => node.textContent)).toEqual(['We record chats to train support staff.'])
  })

  test('Mic: asks for audio consent, then records the microphone; pressed while it does; a refusal is shown', async () => {
    // A microphone made of a tone, for a browser without one.
    const context = new AudioContext()
    const oscillator = context.createOscillator()
    const destination = context.createMediaStreamDestination()
    oscillator.connect(destination)
    oscillator.start()
    let answer: () => Promise<MediaStream> = async () => destination.stream.clone()
    const original = navigator.mediaDevices.getUserMedia
    navigator.mediaDevices.getUserMedia = () => answer()
    restore.push(() => {
      navigator.mediaDevices.getUserMedia = original
      void context.close()
    })

    const { recorder } = await recording()
    const element = mount(recorder)
    const mic = control(element, 'Record the microphone')
    await userEvent.click(mic)
    expect(part(element, 'consent').hidden).toBe(false)
    expect(part(element, 'ask-audio').hidden).toBe(false)
    expect(part(element, 'ask').hidden).toBe(true)
    await userEvent.click(control(element, 'Allow'))
    await waitFor(() => recorder.getSnapshot().audio.input.state, (state) => state === 'recording', 10_000)
    expect(recorder.getSnapshot().consent.scopes.audio).toBe(true)
    expect(mic.getAttribute('aria-pressed')).toBe('true')
    expect(nameOf(mic)).toBe('Stop the microphone')

    await userEvent.click(mic)
    await waitFor(() => recorder.getSnapshot().audio.input.state, (state) => state === 'off', 10_000)
    expect(mic.getAttribute('aria-pressed')).toBe('false')

    answer = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'))
    await userEvent.click(mic)
    await waitFor(() => part(element, 'note').textContent, (text) => text === 'Microphone: microphone refused', 10_000)
    expect(part(element, 'note').hidden).toBe(false)
  })

  test('declining the microphone declines only the microphone', async () => {
    const { recorder } = await recording()
    const element = mount(recorder)
    await userEvent.click(control(element, 'Record the microphone'))
    await userEvent.click(control(element, 'Decline'))
    expect(part(element, 'consent').hidden).toBe(true)
    expect(recorder.getSnapshot()).toMatchObject({ state: 'recording', consent: { state: 'not-required' }, audio: { input: { state: 'off' } } })
  })
})
