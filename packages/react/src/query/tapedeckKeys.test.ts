import { QueryClient } from '@tanstack/react-query'
import { expect, test } from 'vitest'
import type { Recorder } from '@tapedeck/core'
import { isServerKey, tapedeckKeys } from './tapedeckKeys'

const recorderA = {} as Recorder
const recorderB = {} as Recorder

test('keys nest scope → list/detail → events, so prefixes invalidate what they should', () => {
  const local = tapedeckKeys.local(recorderA)
  expect(tapedeckKeys.local(recorderA)).toEqual(local)
  expect(tapedeckKeys.local(recorderB)).not.toEqual(local)
  expect(tapedeckKeys.server('http://h:1/')).toEqual(['tapedeck', { server: 'http://h:1' }])
  expect(tapedeckKeys.list(local, { userId: 'u' })).toEqual([...local, 'list', { userId: 'u' }])
  expect(tapedeckKeys.events(local, 's1', { fromSeq: 3 })).toEqual([...local, 'detail', 's1', 'events', { fromSeq: 3 }])
  expect(isServerKey(tapedeckKeys.detail(tapedeckKeys.server('http://h:1'), 's1'))).toBe(true)
  expect(isServerKey(tapedeckKeys.detail(local, 's1'))).toBe(false)
})

test('invalidating one recorder\'s lists leaves details, the other recorder and servers alone', async () => {
  const client = new QueryClient()
  const a = tapedeckKeys.local(recorderA)
  const b = tapedeckKeys.local(recorderB)
  const remote = tapedeckKeys.server('http://h:1')
  const keys = [tapedeckKeys.list(a, {}), tapedeckKeys.list(a, { userId: 'u' }), tapedeckKeys.detail(a, 's1'), tapedeckKeys.list(b, {}), tapedeckKeys.list(remote, {})]
  for (const key of keys) client.setQueryData(key, 1)
  await client.invalidateQueries({ queryKey: tapedeckKeys.lists(a) })
  expect(keys.map((key) => client.getQueryState(key)!.isInvalidated)).toEqual([true, true, false, false, false])
})
