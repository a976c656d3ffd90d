import { StrictMode } from 'react'
import { act, render } from '@testing-library/react'
import { afterEach, expect, test } from 'vitest'
import { userEvent } from 'vitest/browser'
import type { Recorder } from '@tapedeck/core'
import { TapedeckRecorderElement, type DownloadDetail } from '@tapedeck/widget'
import { Capture, cleanupAll, outsideRecorder, uniqueDb, waitFor } from '../test/helpers'
import { RecorderProvider } from './RecorderProvider'
import { RecorderWidget } from './RecorderWidget'

afterEach(cleanupAll)

const shadow = (element: Element, selector: string) => element.shadowRoot!.querySelector<HTMLElement>(selector)!

test('<RecorderWidget> registers <tapedeck-recorder> and hands it the provider\'s recorder; its buttons drive that recorder', async () => {
  const ref = { current: null as Recorder | null }
  const downloads: DownloadDetail[] = []
  const { container, unmount } = render(
    <StrictMode>
      <RecorderProvider options={{ dbName: uniqueDb() }}>
        <Capture into={ref} />
        <RecorderWidget
          position="top-left"
          className="mine"
          onDownload={(event) => {
            event.preventDefault() // keep the file instead of downloading it
            downloads.push(event.detail)
          }}
        >
          <span slot="consent">We record this chat.</span>
        </RecorderWidget>
      </RecorderProvider>
    </StrictMode>,
  )
  const element = container.querySelector('tapedeck-recorder')!
  expect(customElements.get('tapedeck-recorder')).toBe(TapedeckRecorderElement)
  expect(element).toBeInstanceOf(TapedeckRecorderElement)
  expect((element as TapedeckRecorderElement).recorder).toBe(ref.current)
  expect(element.getAttribute('position')).toBe('top-left')
  expect(element.className).toBe('mine')
  expect(element.querySelector('[slot=consent]')?.textContent).toBe('We record this chat.')

  await waitFor(() => expect(shadow(element, '.state').textContent).toBe('Not recording'))
  await userEvent.click(shadow(element, '[data-act=main]'))
  await waitFor(() => expect(ref.current!.getSnapshot().state).toBe('recording'))
  await waitFor(() => expect(shadow(element, '.state').textContent).toBe('Recording'))
  const sessionId = ref.current!.getSnapshot().session!.id
  ref.current!.record('message.created', { messageId: 'm1', role: 'user', content: 'hello' })
  await act(() => ref.current!.flush())

  await userEvent.click(shadow(element, '[data-act=download]'))
  await waitFor(() => expect(downloads).toHaveLength(1))
  expect(downloads[0]!.sessionId).toBe(sessionId)
  expect(await downloads[0]!.blob.text()).toContain('"content":"hello"')

  unmount()
  expect((element as TapedeckRecorderElement).recorder).toBeNull()
})

test('the same element follows the provider when its recorder changes', async () => {
  const first = outsideRecorder({ dbName: uniqueDb() })
  const second = outsideRecorder({ dbName: uniqueDb() })
  const { container, rerender } = render(
    <RecorderProvider recorder={first}>
      <RecorderWidget />
    </RecorderProvider>,
  )
  const element = container.querySelector('tapedeck-recorder') as TapedeckRecorderElement
  expect(element.recorder).toBe(first)
  rerender(
    <RecorderProvider recorder={second}>
      <RecorderWidget />
    </RecorderProvider>,
  )
  expect(container.querySelector('tapedeck-recorder')).toBe(element)
  expect(element.recorder).toBe(second)
  await second.start()
  await waitFor(() => expect(shadow(element, '.state').textContent).toBe('Recording'))
})
