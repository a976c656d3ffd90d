import type { ErrorInfo, RecorderStatus } from '@tapedeck/core'

/** What the widget shows, derived from a recorder's snapshot alone (so it is checked without a page). */
export interface StatusView {
  /** `consent`: consent is required and not given yet; nothing is stored meanwhile. */
  mode: 'idle' | 'recording' | 'paused' | 'consent' | 'closed'
  label: string
  /** What the main button does (`ask`: consent was declined, ask again), its text and its accessible name. */
  action: 'start' | 'pause' | 'resume' | 'ask' | null
  actionText: string
  actionLabel: string
  mic: { on: boolean; busy: boolean; label: string; note: string }
  sync: SyncView | null
  /** The latest error the recorder reported. */
  error: ErrorInfo | null
}

export interface SyncView {
  tone: 'ok' | 'busy' | 'offline' | 'error'
  text: string
  pending: number
  deadLetters: number
  uploading: boolean
}

const LABELS: Record<StatusView['mode'], string> = {
  idle: 'Not recording',
  recording: 'Recording',
  paused: 'Paused',
  consent: 'Waiting for consent',
  closed: 'Recorder closed',
}

const ACTIONS = {
  start: ['Record', 'Start recording'],
  pause: ['Pause', 'Pause recording'],
  resume: ['Resume', 'Resume recording'],
  ask: ['Record', 'Record: asks for consent again'],
} as const

const MIC_NOTES: Partial<Record<string, string>> = {
  denied: 'microphone refused',
  unsupported: 'no audio recording in this browser',
  'no-consent': 'needs your consent',
  error: 'microphone failed',
}

export function statusView(status: RecorderStatus): StatusView {
  const consent = status.consent.state
  const mode: StatusView['mode'] = status.state === 'closed' ? 'closed' : consent === 'pending' ? 'consent' : status.state
  const withdrawn = consent === 'withdrawn' && mode !== 'closed'
  const action: StatusView['action'] = withdrawn
    ? 'ask'
    : mode === 'idle'
      ? 'start'
      : mode === 'recording'
        ? 'pause'
        : mode === 'paused'
          ? 'resume'
          : null
  const input = status.audio.input
  const on = input.state === 'recording' || input.state === 'paused'
  // Without an action, the button shows what it does once it can: start.
  const [actionText, actionLabel] = ACTIONS[action ?? 'start']
  return {
    mode,
    label: withdrawn ? 'Recording declined' : LABELS[mode],
    action,
    actionText,
    actionLabel,
    mic: {
      on,
      busy: input.state === 'starting',
      label: on ? 'Stop the microphone' : 'Record the microphone',
      note: MIC_NOTES[input.state] ?? '',
    },
    sync: syncView(status),
    error: status.error,
  }
}

function syncView({ sync }: RecorderStatus): SyncView | null {
  if (!sync) return null
  const pending = sync.pendingEvents
  const count = pending > 0 ? `${pending} pending` : ''
  let tone: SyncView['tone'] = 'ok'
  let text: string
  if (!sync.online || sync.state === 'offline') {
    tone = 'offline'
    text = join('Offline', count)
  } else if (sync.state === 'syncing') {
    tone = 'busy'
    text = join('Uploading', count)
  } else if (sync.state === 'backoff' && pending + sync.pendingBlobs > 0) {
    tone = 'error'
    text = join('Upload failed, retrying', count)
  } else if (sync.state === 'unauthorized') {
    tone = 'error'
    text = join('Upload not authorised', count)
  } else if (sync.state === 'stopped') {
    tone = 'offline'
    text = join('Sync stopped', count)
  } else {
    text = pending > 0 ? count : 'All uploaded'
  }
  if (sync.deadLetters > 0) {
    tone = 'error'
    text = join(text, `${sync.deadEvents} refused by the server`)
  }
  return { tone, text, pending, deadLetters: sync.deadLetters, uploading: sync.state === 'syncing' }
}

function join(...parts: string[]): string {
  return parts.filter(Boolean).join(' · ')
}
