import { createRoot, type Root } from 'react-dom/client'
import { screen } from '@testing-library/react'
import { afterEach, expect, test } from 'vitest'
import { userEvent } from 'vitest/browser'
import { evaluate, latencyBudget, loadRecording, noErrors, toolNotCalled } from '@tapedeck/player'
import { conversationEvents } from '../../test/conversationEvents'
import { waitFor } from '../../test/helpers'
import { ValidationResults } from './ValidationResults'

let mounted: { root: Root; container: HTMLElement } | undefined
afterEach(() => {
  mounted?.root.unmount()
  mounted?.container.remove()
  mounted = undefined
})

test('shows the verdicts evaluate() wrote, failed first, and goes to the event a failure points at', async () => {
  const recording = await loadRecording(conversationEvents(40).events)
  const firstCall = recording.events.find((e) => e.type === 'provider.call.completed')!
  await evaluate(recording, [noErrors(), latencyBudget({ latencyMs: 0, at: 'every' }), toolNotCalled({ name: 'nothing' })])
  const selected: string[] = []
  const container = document.body.appendChild(document.createElement('div'))
  mounted = { root: createRoot(container), container }
  mounted.root.render(<ValidationResults recording={recording} onSelectEvent={(id) => selected.push(id)} />)

  await waitFor(() => expect(screen.getByRole('heading', { name: 'Checks: 2 of 3 passed' })).toBeTruthy())
  const rows = [...container.querySelectorAll('li')].map((li) => li.textContent)
  expect(rows[0]).toMatch(/^✗ latency score 0 /)
  expect(rows.slice(1).map((row) => row!.slice(0, 12))).toEqual(['✓ no-errors ', '✓ no-tool:no'])
  await userEvent.click(screen.getAllByRole('button')[0]!)
  expect(selected).toEqual([firstCall.id])
})
