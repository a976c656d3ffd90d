import { useState } from 'react'
import { act, render } from '@testing-library/react'
import { afterEach, expect, test } from 'vitest'
import { cleanupAll, waitFor } from '../../test/helpers'
import { WindowedList } from './WindowedList'

afterEach(cleanupAll)

/** Row i is 20 px, 60 px or 100 px high (estimated at 40): the list must measure, not trust the estimate. */
const heightOf = (i: number) => [20, 60, 100][i % 3]!

function Rows({ count, scrollToIndex = null }: { count: number; scrollToIndex?: number | null }) {
  return (
    <div style={{ height: 300, display: 'flex', flexDirection: 'column' }}>
      <WindowedList
        count={count}
        estimatedRowHeight={40}
        scrollToIndex={scrollToIndex}
        className="list"
        testId="list"
        renderRow={(i) => <div style={{ height: heightOf(i) }}>{`row ${i}`}</div>}
      />
    </div>
  )
}

const viewport = () => document.querySelector<HTMLElement>('.tapedeck-window')!
const rendered = () => [...document.querySelectorAll<HTMLElement>('[data-testid=list] > li')]

/** The rendered rows are one contiguous run that covers the whole viewport: no blank band, no overlap. */
function expectViewportCovered() {
  const rows = rendered()
  const view = viewport().getBoundingClientRect()
  for (let i = 1; i < rows.length; i++) {
    expect(Number(rows[i]!.dataset.index)).toBe(Number(rows[i - 1]!.dataset.index) + 1)
    expect(Math.abs(rows[i]!.getBoundingClientRect().top - rows[i - 1]!.getBoundingClientRect().bottom)).toBeLessThan(1)
  }
  expect(rows[0]!.getBoundingClientRect().top).toBeLessThanOrEqual(view.top + 0.5)
  expect(rows.at(-1)!.getBoundingClientRect().bottom).toBeGreaterThanOrEqual(view.bottom - 0.5)
}

test('10,000 rows of mixed heights: a screenful is rendered, measured, and covers the viewport wherever it is scrolled', async () => {
  render(<Rows count={10_000} />)
  await waitFor(() => expect(rendered().length).toBeGreaterThan(0))
  expect(rendered().length).toBeLessThan(40)
  expect(rendered()[0]!.textContent).toBe('row 0')
  await waitFor(() => expectViewportCovered())

  for (const target of [123_456, 400_000, 50]) {
    await act(async () => {
      viewport().scrollTop = target
      viewport().dispatchEvent(new Event('scroll'))
    })
    await waitFor(() => expectViewportCovered())
    expect(rendered().length).toBeLessThan(40)
  }
  // Each rendered row has been measured: its height is its own, not the estimate.
  for (const row of rendered()) expect(row.offsetHeight).toBe(heightOf(Number(row.dataset.index)))
})

test('scrollToIndex brings a row into view (the conversation follows the playhead), and a growing list keeps following', async () => {
  function Growing() {
    const [count, setCount] = useState(100)
    return (
      <>
        <button type="button" onClick={() => setCount((n) => n + 50)}>
          more
        </button>
        <Rows count={count} scrollToIndex={count - 1} />
      </>
    )
  }
  const { getByText } = render(<Growing />)
  const lastVisible = async (index: number) =>
    waitFor(() => {
      const row = document.querySelector<HTMLElement>(`[data-testid=list] > li[data-index="${index}"]`)
      expect(row).not.toBeNull()
      const box = row!.getBoundingClientRect()
      const view = viewport().getBoundingClientRect()
      expect(box.bottom).toBeLessThanOrEqual(view.bottom + 1)
      expect(box.top).toBeGreaterThanOrEqual(view.top - 1)
    })
  await lastVisible(99)
  await act(async () => getByText('more').click())
  await lastVisible(149)
  expect(rendered().length).toBeLessThan(40)
})

test('a list without a height is still bounded by the viewport', async () => {
  render(
    <WindowedList count={50_000} estimatedRowHeight={20} renderRow={(i) => <div style={{ height: 20 }}>{`row ${i}`}</div>} testId="list" />,
  )
  await waitFor(() => expect(rendered().length).toBeGreaterThan(0))
  expect(viewport().clientHeight).toBeLessThanOrEqual(window.innerHeight)
  expect(rendered().length).toBeLessThan(window.innerHeight / 20 + 20)
})
