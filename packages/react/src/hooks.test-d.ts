import type { UseQueryResult } from '@tanstack/react-query'
import { expectTypeOf, test } from 'vitest'
import type { AudioTrackState, AudioTrackStatus, ConsentState, RecorderState, RecorderStatus, SessionPage, SessionRecord, TapedeckEvent } from '@tapedeck/core'
import { useDeleteSession, useExportSession, useRecording, useRecordingEvents, useRecordings, type ServerSession, type ServerSessionPage } from './query'
import { useAudioRecorder, useConsent, useRecorderStatus, useSessionRecording, useSyncStatus, type SyncStatus } from '.'

// Type-checked only (never run): the result types follow the source.
test('query results follow the source: the recorder\'s records locally, the server\'s descriptions remotely', () => {
  expectTypeOf(useRecordings({ userId: 'u' })).toEqualTypeOf<UseQueryResult<SessionPage, Error>>()
  expectTypeOf(useRecordings({}, { source: 'local' })).toEqualTypeOf<UseQueryResult<SessionPage, Error>>()
  expectTypeOf(useRecordings({}, { source: { server: 'https://rec', headers: { Authorization: 'Bearer k' } } })).toEqualTypeOf<
    UseQueryResult<ServerSessionPage, Error>
  >()
  expectTypeOf(useRecording('s1').data).toEqualTypeOf<SessionRecord | null | undefined>()
  expectTypeOf(useRecording('s1', { source: { server: 'https://rec' } }).data).toEqualTypeOf<ServerSession | null | undefined>()
  expectTypeOf(useRecordingEvents('s1', { fromSeq: 2 }).data).toEqualTypeOf<TapedeckEvent[] | undefined>()
  expectTypeOf(useDeleteSession().mutateAsync).returns.resolves.toEqualTypeOf<boolean>()

  useExportSession().mutate({ id: 's1', format: 'jsonl.gz' })
  // @ts-expect-error zip is a server export
  useExportSession().mutate({ id: 's1', format: 'zip' })
  useExportSession({ source: { server: 'https://rec' } }).mutate({ id: 's1', format: 'zip' })
  // @ts-expect-error unknown query option
  useRecordings({}, { sauce: 'local' })
})

test('status hooks and the recording API', () => {
  expectTypeOf(useRecorderStatus()).toEqualTypeOf<RecorderStatus>()
  expectTypeOf(useRecorderStatus((s) => s.state)).toEqualTypeOf<RecorderState>()
  expectTypeOf(useSyncStatus()).toEqualTypeOf<SyncStatus | null>()

  const recording = useSessionRecording({ userId: 'u', autoStart: true })
  expectTypeOf(recording.sessionId).toEqualTypeOf<string | null>()
  expectTypeOf(recording.recordInteraction({ model: 'm', tokens: { input: 1, output: 2 }, cost: 0.1 })).toEqualTypeOf<string>()
  // @ts-expect-error a role outside the catalogue
  recording.recordMessage('bot', 'hi')
  // @ts-expect-error feedback needs a rating
  recording.feedback({ comment: 'meh' })
  // @ts-expect-error an action kind outside the catalogue
  recording.recordAction('hover', '#send')
})

test('audio and consent hooks', () => {
  const mic = useAudioRecorder({ timesliceMs: 500 })
  expectTypeOf(mic.state).toEqualTypeOf<AudioTrackState>()
  expectTypeOf(mic.start).parameter(0).toEqualTypeOf<MediaStream | HTMLMediaElement | 'microphone' | undefined>()
  expectTypeOf(mic.start()).resolves.toEqualTypeOf<AudioTrackStatus>()
  expectTypeOf(mic.stop()).resolves.toEqualTypeOf<void>()
  // @ts-expect-error a track is input or output
  useAudioRecorder({ track: 'left' })

  const consent = useConsent()
  expectTypeOf(consent.state).toEqualTypeOf<ConsentState>()
  expectTypeOf(consent.needed).toEqualTypeOf<boolean>()
  consent.grant({ audio: true })
  consent.withdraw({ erase: true })
  // @ts-expect-error unknown scope
  consent.grant({ video: true })
})
