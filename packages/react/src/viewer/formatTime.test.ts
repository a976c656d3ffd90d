import { expect, test } from 'vitest'
import { formatMs, formatTime, formatUsd } from './formatTime'

test('times, durations and costs read as people write them', () => {
  expect([0, 999, 61_250, 3_600_000 + 62_000, -5].map(formatTime)).toEqual(['0:00.0', '0:01.0', '1:01.3', '1:01:02', '0:00.0'])
  expect([undefined, 812.4, 1240].map(formatMs)).toEqual(['—', '812 ms', '1.24 s'])
  expect([undefined, 0, 0.0000069, 0.5].map(formatUsd)).toEqual(['—', '$0', '$0.0000069', '$0.5000'])
})
