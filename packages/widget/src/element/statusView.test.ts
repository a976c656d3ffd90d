import { INITIAL_STATUS, INITIAL_SYNC_STATUS, type RecorderStatus, type SyncStatus } from '@tapedeck/core'
import { describe, expect, test } from 'vitest'
import { statusView } from './statusView'

const SYNC: SyncStatus = { ...INITIAL_SYNC_STATUS, role: 'leader' }

const status = (patch: Partial<RecorderStatus> = {}): RecorderStatus => ({ ...INITIAL_STATUS, ...patch })
const sync = (patch: Partial<SyncStatus>) => statusView(status({ sync: { ...SYNC, ...patch } })).sync

describe('statusView', () => {
  test('the main button follows the recorder state', () => {
    expect(statusView(status())).toMatchObject({ mode: 'idle', label: 'Not recording', action: 'start', actionLabel: 'Start recording' })
    expect(statusView(status({ state: 'recording' }))).toMatchObject({ mode: 'recording', label: 'Recording', action: 'pause', actionText: 'Pause' })
    expect(statusView(status({ state: 'paused' }))).toMatchObject({ mode: 'paused', label: 'Paused', action: 'resume', actionText: 'Resume' })
    expect(statusView(status({ state: 'closed' }))).toMatchObject({ mode: 'closed', action: null })
  })

  test('pending consent hides the controls behind the prompt; declined consent asks again', () => {
    const scopes = { content: true, actions: true, audio: false }
    const pending = status({ state: 'recording', consent: { mode: 'required', state: 'pending', scopes } })
    expect(statusView(pending)).toMatchObject({ mode: 'consent', label: 'Waiting for consent', action: null })
    const withdrawn = status({ consent: { mode: 'required', state: 'withdrawn', scopes } })
    expect(statusView(withdrawn)).toMatchObject({ mode: 'idle', label: 'Recording declined', action: 'ask' })
  })

  test('the microphone: on while its track records or pauses, a note when it cannot', () => {
    const audio = (state: RecorderStatus['audio']['input']['state']) =>
      statusView(status({ audio: { ...INITIAL_STATUS.audio, input: { ...INITIAL_STATUS.audio.input, state } } })).mic
    expect(audio('off')).toEqual({ on: false, busy: false, label: 'Record the microphone', note: '' })
    expect(audio('starting')).toMatchObject({ on: false, busy: true })
    expect(audio('recording')).toMatchObject({ on: true, label: 'Stop the microphone' })
    expect(audio('paused')).toMatchObject({ on: true })
    expect(audio('denied')).toMatchObject({ on: false, note: 'microphone refused' })
    expect(audio('unsupported').note).toBe('no audio recording in this browser')
  })

  test('sync: none without an endpoint; pending, uploading, offline, failing, refused', () => {
    expect(statusView(status()).sync).toBeNull()
    expect(sync({})).toEqual({ tone: 'ok', text: 'All uploaded', pending: 0, deadLetters: 0, uploading: false })
    expect(sync({ pendingEvents: 12 })).toMatchObject({ tone: 'ok', text: '12 pending' })
    expect(sync({ state: 'syncing', pendingEvents: 12 })).toMatchObject({ tone: 'busy', text: 'Uploading · 12 pending', uploading: true })
    expect(sync({ state: 'offline', online: false, pendingEvents: 3 })).toMatchObject({ tone: 'offline', text: 'Offline · 3 pending' })
    // A follower tab hears that it is offline before the leader's state says so.
    expect(sync({ online: false })).toMatchObject({ tone: 'offline', text: 'Offline' })
    expect(sync({ state: 'backoff', pendingEvents: 5 })).toMatchObject({ tone: 'error', text: 'Upload failed, retrying · 5 pending' })
    // Backoff with nothing left to send (the failing batch was refused for good since): nothing is retried.
    expect(sync({ state: 'backoff', deadLetters: 1, deadEvents: 6 })).toMatchObject({ tone: 'error', text: 'All uploaded · 6 refused by the server' })
    expect(sync({ state: 'unauthorized' })).toMatchObject({ tone: 'error', text: 'Upload not authorised' })
    expect(sync({ state: 'stopped', pendingEvents: 2 })).toMatchObject({ tone: 'offline', text: 'Sync stopped · 2 pending' })
    expect(sync({ deadLetters: 2, deadEvents: 40 })).toMatchObject({ tone: 'error', text: 'All uploaded · 40 refused by the server', deadLetters: 2 })
  })

  test('the latest error is passed on', () => {
    const error = { code: 'storage_unavailable' as const, message: 'IndexedDB is not available', at: 5 }
    expect(statusView(status({ error, errors: [error] })).error).toBe(error)
  })
})
