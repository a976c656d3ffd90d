import { screen } from '@testing-library/react'
import { afterEach, expect, test } from 'vitest'
import { loadRecording } from '@tapedeck/player'
import { conversationEvents } from '../../test/conversationEvents'
import { eventList } from '../../test/events'
import { mountRoot, unmountRoots, waitFor } from '../../test/helpers'
import { ReplayViewer } from './ReplayViewer'

afterEach(unmountRoots)
const mount = mountRoot

const field = (container: HTMLElement, name: string) => container.querySelector(`.tapedeck-speech [data-field="${name}"]`)?.textContent

test("the replay viewer shows a voice session's speech figures: talk time, turns, words per minute, barge-ins, turn latency, call quality", async () => {
  const list = eventList('s_voice')
  list.add('session.started', {}, { t: 0 })
  list.add('transcript.segment', { speaker: 'user', text: 'What is the weather', startT: 1000, endT: 2000, final: true }, { t: 2000 })
  list.add('metric.sampled', { name: 'rtc.roundTripTime', value: 40, unit: 'ms' }, { t: 2100 })
  list.add('metric.sampled', { name: 'rtc.packetLoss', value: 0.02, unit: 'ratio' }, { t: 2100 })
  list.add('transcript.segment', { speaker: 'assistant', text: 'Clear and mild today', startT: 2500, endT: 3700, final: true }, { t: 3700 })
  list.add('provider.call.completed', { callId: 'r1', model: 'gpt-realtime', turnLatencyMs: 450 }, { t: 3710 })
  list.add('turn.interrupted', { reason: 'user-speech', callId: 'r2', atT: 5000 }, { t: 5000 })
  const container = mount(<ReplayViewer recording={await loadRecording(list.events)} />)
  await waitFor(() => expect(screen.getByRole('region', { name: 'Voice' })).toBeTruthy())
  expect(field(container, 'user talk')).toBe('1.00 s in 1 turn, 240 wpm')
  expect(field(container, 'assistant talk')).toBe('1.20 s in 1 turn, 200 wpm')
  expect(field(container, 'silence / overlap')).toBe('500 ms / 0 ms')
  expect(field(container, 'barge-ins')).toBe('1 (1 user-speech)')
  expect(field(container, 'turn latency p50 / p95')).toBe('450 ms / 450 ms')
  expect(field(container, 'round trip p50 / p95')).toBe('40 ms / 40 ms')
  expect(field(container, 'packet loss mean / max')).toBe('2.0 % / 2.0 %')
})

test('a chat without voice shows no voice panel', async () => {
  mount(<ReplayViewer recording={await loadRecording(conversationEvents(5).events)} />)
  await waitFor(() => expect(screen.getByRole('region', { name: 'Usage so far' })).toBeTruthy())
  expect(screen.queryByRole('region', { name: 'Voice' })).toBeNull()
})
