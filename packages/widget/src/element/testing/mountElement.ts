/** The element's browser tests share these: mounting, finding controls and parts, a recording recorder; everything mounted is removed after each test. */
import type { Recorder, RecorderOptions } from '@tapedeck/core'
import { afterEach } from 'vitest'
import { closeAll, recorderFor, uniqueDb } from '../../../../core/test/browser'
import { defineRecorderElement } from '../defineRecorderElement'
import type { TapedeckRecorderElement } from '../TapedeckRecorderElement'

const mounted: Element[] = []
export const restore: Array<() => void> = []

afterEach(async () => {
  for (const element of mounted.splice(0)) element.remove()
  for (const undo of restore.splice(0)) undo()
  await closeAll()
})

export function mount(recorder: Recorder | null, attributes: Record<string, string> = {}): TapedeckRecorderElement {
  defineRecorderElement()
  const element = document.createElement('tapedeck-recorder') as TapedeckRecorderElement
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value)
  element.recorder = recorder
  document.body.append(element)
  mounted.push(element)
  return element
}

/** Something in the page, removed after the test. */
export function add<T extends Element>(element: T): T {
  document.body.append(element)
  mounted.push(element)
  return element
}

export const shadow = (element: TapedeckRecorderElement) => element.shadowRoot!
export const nameOf = (control: Element) => control.getAttribute('aria-label') ?? control.textContent ?? ''

export function control(element: TapedeckRecorderElement, name: string): HTMLButtonElement {
  const found = [...shadow(element).querySelectorAll('button')].find((button) => nameOf(button) === name)
  if (!found) throw new Error(`no control named "${name}"; there are: ${[...shadow(element).querySelectorAll('button')].map(nameOf).join(', ')}`)
  return found
}

export const part = (element: TapedeckRecorderElement, name: string) => shadow(element).querySelector<HTMLElement>(`[data-part="${name}"]`)!
export const stateText = (element: TapedeckRecorderElement) => shadow(element).querySelector('.state')!.textContent
export const syncText = (element: TapedeckRecorderElement) => (part(element, 'sync').hidden ? null : part(element, 'sync').querySelector('span')!.textContent)
export const focused = (element: TapedeckRecorderElement) => shadow(element).activeElement

/** A recorder that records, on a database of its own. */
export async function recording(options: RecorderOptions = {}): Promise<{ recorder: Recorder; id: string }> {
  const recorder = recorderFor(uniqueDb(), options)
  const { id } = await recorder.start()
  return { recorder, id }
}
