// Real-time playback in Chromium on the default scheduler (requestAnimationFrame).
import { afterEach, expect, test, vi } from 'vitest'
import type { TapedeckEvent } from '@tapedeck/core'
import { makeEvents } from '../../test/events'
import { loadRecording } from '../load/loadRecording'
import { ReplayPlayer } from './ReplayPlayer'

afterEach(() => {
  vi.restoreAllMocks()
})

test('play() runs on animation frames at the given rate, passes every event once, and stops at the end', async () => {
  const frames = vi.spyOn(window, 'requestAnimationFrame')
  const events = makeEvents('s_raf', [[0, 'session.started'], ...Array.from({ length: 20 }, (_, i) => [(i + 1) * 30, 'x.tick', { i }] as [number, string, { i: number }])])
  const player = new ReplayPlayer(await loadRecording(events), { rate: 2 })
  const passed: TapedeckEvent[] = []
  const ended = new Promise<number>((resolve) =>
    player.subscribe(() => {
      const snapshot = player.getSnapshot()
      passed.push(...snapshot.passed)
      if (snapshot.ended) resolve(performance.now())
    }),
  )
  const started = performance.now()
  player.play()
  const end = await ended
  // 600 ms of recording at rate 2: at least 300 ms of wall time, over several frames
  expect(end - started).toBeGreaterThanOrEqual(290)
  expect(frames.mock.calls.length).toBeGreaterThanOrEqual(5)
  expect(passed.map((e) => e.seq)).toEqual([...Array(20).keys()].map((i) => i + 1))
  expect(player.getSnapshot()).toMatchObject({ playing: false, ended: true, position: 600 })
  player.dispose()
})

test('pause() stops the frames', async () => {
  const events = makeEvents('s_pause', [[0, 'session.started'], [10_000, 'x.end']])
  const player = new ReplayPlayer(await loadRecording(events))
  player.play()
  await new Promise((resolve) => setTimeout(resolve, 100))
  player.pause()
  const at = player.position
  expect(at).toBeGreaterThan(0)
  await new Promise((resolve) => setTimeout(resolve, 100))
  expect(player.position).toBe(at)
})
