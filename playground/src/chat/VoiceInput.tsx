import { useRef, useState } from 'react'
import { useAudioRecorder, useConsent, useRecorder } from '@tapedeck/react'

const STATE_TEXT: Record<string, string> = {
  denied: 'Microphone refused',
  unsupported: 'This browser cannot record audio',
  'no-consent': 'Audio recording needs your consent',
  error: 'Recording failed',
}

/**
 * Voice input: the microphone is recorded into the session (`audio.input`, durable slice by
 * slice), sent to the mock speech-to-text at `/stt`, and the text becomes a transcript segment
 * and the user's message. Audio needs its own consent: the first click asks for it.
 */
export function VoiceInput({ sessionId, disabled, onTranscript }: { sessionId: string | null; disabled?: boolean; onTranscript(text: string): void }) {
  const recorder = useRecorder()
  const mic = useAudioRecorder({ track: 'input', timesliceMs: 500 })
  const consent = useConsent()
  const startedAt = useRef(0)
  const [transcribing, setTranscribing] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)

  async function start() {
    setProblem(null)
    if (!consent.scopes.audio) await consent.grant({ content: consent.scopes.content, actions: consent.scopes.actions, audio: true })
    startedAt.current = performance.now()
    await mic.start('microphone')
  }

  async function stop() {
    const { blobId, startT, mimeType } = mic.status
    const durationMs = performance.now() - startedAt.current
    await mic.stop() // the last slice is durable now
    if (!sessionId || !blobId) return
    setTranscribing(true)
    try {
      const parts = (await recorder.sessions.blobs(sessionId)).filter((b) => b.blobId === blobId).sort((a, b) => a.part - b.part)
      const slices = await Promise.all(parts.map((p) => recorder.sessions.blob(sessionId, blobId, p.part)))
      const audio = new Blob(slices.filter((s): s is Blob => s !== undefined), { type: mimeType ?? 'audio/webm' })
      const response = await fetch('/stt', { method: 'POST', body: audio, headers: { 'Content-Type': audio.type } })
      if (!response.ok) throw new Error(`speech-to-text answered ${response.status}`)
      const { text } = (await response.json()) as { text: string }
      const from = startT ?? 0
      recorder.transcript({ speaker: 'user', text, startT: from, endT: from + durationMs, final: true })
      onTranscript(text)
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error))
    } finally {
      setTranscribing(false)
    }
  }

  const label = mic.active ? 'Stop and send' : transcribing ? 'Transcribing…' : consent.scopes.audio ? 'Speak' : 'Allow audio and speak'
  return (
    <span className="voice" data-state={mic.state}>
      <button
        type="button"
        data-testid="voice"
        aria-pressed={mic.active}
        disabled={(disabled && !mic.active) || transcribing || !sessionId || mic.state === 'starting'}
        onClick={() => void (mic.active ? stop() : start())}
      >
        {label}
      </button>
      {mic.active && <span className="muted" data-testid="voice-parts">{`recording · ${mic.status.durableParts}/${mic.status.parts} slices stored`}</span>}
      {STATE_TEXT[mic.state] && (
        <span className="error" role="status" data-testid="voice-problem">
          {STATE_TEXT[mic.state]}
          {mic.error ? ` (${mic.error.code})` : ''}
        </span>
      )}
      {problem && <span className="error" role="status">{problem}</span>}
    </span>
  )
}
