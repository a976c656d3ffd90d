import type { TapedeckEvent } from '@tapedeck/core'
import { screen } from '@testing-library/react'
import { afterEach, expect, test } from 'vitest'
import { userEvent } from 'vitest/browser'
import { evaluate, latencyBudget, loadRecording, noErrors, toolNotCalled } from '@tapedeck/player'
import { conversationEvents } from '../../test/conversationEvents'
import { mountRoot, unmountRoots, waitFor } from '../../test/helpers'
import { formatTime } from './formatTime'
import { ValidationResults } from './ValidationResults'

afterEach(unmountRoots)
const mount = mountRoot

test('shows the verdicts evaluate() wrote, failed first, with a button per event a verdict points at', async () => {
  const recording = await loadRecording(conversationEvents(40).events)
  const calls = recording.events.filter((e) => e.type === 'provider.call.completed')
  expect(calls.length).toBeGreaterThan(3)
  await evaluate(recording, [noErrors(), latencyBudget({ latencyMs: 0, at: 'every' }), toolNotCalled({ name: 'nothing' })])
  const selected: TapedeckEvent[] = []
  const container = mount(<ValidationResults recording={recording} onSelectEvent={(event) => selected.push(event)} maxEvents={3} />)

  await waitFor(() => expect(screen.getByRole('heading', { name: 'Checks: 2 of 3 passed' })).toBeTruthy())
  const rows = [...container.querySelectorAll('li')].map((li) => li.textContent)
  expect(rows[0]).toMatch(/^✗ latency score 0 /)
  expect(rows.slice(1).map((row) => row!.slice(0, 12))).toEqual(['✓ no-errors ', '✓ no-tool:no'])
  // Every call was over a budget of 0 ms: the first three have a button, the others are counted.
  const buttons = screen.getAllByRole('button')
  expect(buttons.map((b) => b.getAttribute('aria-label'))).toEqual(calls.slice(0, 3).map((c) => `latency: provider.call.completed at ${formatTime(c.t)}`))
  expect(rows[0]).toContain(`+${calls.length - 3} more`)
  await userEvent.click(buttons[1]!)
  expect(selected.map((e) => e.id)).toEqual([calls[1]!.id])
})

test('renders nothing for a recording no check has run on', async () => {
  const container = mount(<ValidationResults recording={await loadRecording(conversationEvents(40).events)} onSelectEvent={() => {}} />)
  await new Promise((resolve) => setTimeout(resolve, 50))
  expect(container.innerHTML).toBe('')
})
