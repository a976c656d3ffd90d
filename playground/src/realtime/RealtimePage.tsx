import { useEffect, useRef, useState } from 'react'
import { recordRealtime } from '@tapedeck/core/realtime'
import { useRecorder, useRecorderStatus } from '@tapedeck/react'
// The mock realtime peer of the tests (packages/core/src/realtime/testing): real WebRTC on loopback in this page.
import { createMockRealtimePeer, type MockRealtimePeer } from '../../../packages/core/src/realtime/testing/createMockRealtimePeer'
import { CONVERSATION } from '../../../packages/core/src/realtime/testing/conversationScript'
import { href } from '../useHashRoute'

interface Line {
  key: string
  speaker: 'user' | 'assistant' | 'tool' | 'error' | 'barge-in'
  text: string
}

type Phase = 'idle' | 'connecting' | 'talking' | 'saving' | 'done' | 'failed'

/**
 * A realtime voice call against a mock OpenAI Realtime peer, recorded with one line:
 * `recordRealtime(recorder, peerConnection)`. The user's voice is a 440 Hz tone that sounds while
 * the script says the user speaks, the assistant's a 220 Hz tone on the peer's audio track. The
 * call is recorded into the current session (the support conversation); replay it after.
 */
export function RealtimePage() {
  const recorder = useRecorder()
  const sessionId = useRecorderStatus((s) => s.session?.id)
  const [phase, setPhase] = useState<Phase>('idle')
  const [lines, setLines] = useState<Line[]>([])
  const [error, setError] = useState<string>()
  const cleanup = useRef<() => Promise<void>>(undefined)
  useEffect(() => () => void cleanup.current?.(), [])

  async function call() {
    setPhase('connecting')
    setLines([])
    setError(undefined)
    const context = new AudioContext()
    let peer: MockRealtimePeer | undefined
    const pc = new RTCPeerConnection()
    const speaker = new Audio()
    cleanup.current = async () => {
      speaker.pause()
      pc.close()
      await peer?.close()
      await context.close()
    }
    try {
      await recorder.consent.grant({ audio: true })
      // The "microphone": a tone, heard while the script says the user speaks.
      const voice = new GainNode(context, { gain: 0 })
      const mic = context.createMediaStreamDestination()
      const tone = new OscillatorNode(context, { frequency: 440 })
      tone.connect(voice).connect(mic)
      tone.start()

      const recording = recordRealtime(recorder, pc) // ← the whole integration
      pc.addTrack(mic.stream.getAudioTracks()[0]!, mic.stream)
      pc.addEventListener('track', (event) => {
        speaker.srcObject = event.streams[0] ?? new MediaStream([event.track])
        void speaker.play().catch(() => {})
      })
      const channel = pc.createDataChannel('oai-events')
      channel.addEventListener('message', (message) => {
        const event = JSON.parse(String(message.data)) as Record<string, unknown>
        if (event.type === 'input_audio_buffer.speech_started') voice.gain.setValueAtTime(0.2, context.currentTime)
        if (event.type === 'input_audio_buffer.speech_stopped') voice.gain.setValueAtTime(0, context.currentTime)
        const line = describe(event)
        if (line) setLines((current) => [...current.filter((old) => old.key !== line.key), line])
      })
      peer = await createMockRealtimePeer()
      await peer.connect(pc)
      setPhase('talking')
      await peer.run(CONVERSATION, channel)
      setPhase('saving')
      await recording.stop()
      await recorder.flush()
      setPhase('done')
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught))
      setPhase('failed')
    } finally {
      await cleanup.current?.()
      cleanup.current = undefined
    }
  }

  const busy = phase === 'connecting' || phase === 'talking' || phase === 'saving'
  return (
    <section className="realtime" aria-label="Realtime voice">
      <header className="chat-head">
        <h2>Realtime voice</h2>
        <span className="muted">a mock OpenAI Realtime peer over WebRTC, recorded by recordRealtime()</span>
      </header>
      <p>
        <button type="button" onClick={() => void call()} disabled={busy || !sessionId}>
          {busy ? 'In a call…' : 'Start a call'}
        </button>{' '}
        <span className="muted" data-testid="realtime-phase">
          {phase}
        </span>
        {phase === 'done' && sessionId && (
          <>
            {' '}
            <a href={href.replay('local', sessionId)}>Replay it</a>
          </>
        )}
      </p>
      {error && <p className="error">{error}</p>}
      <ol className="messages" aria-live="polite">
        {lines.map((line) => (
          <li key={line.key} className={`message ${line.speaker === 'user' ? 'user' : 'assistant'}`} data-testid="realtime-line">
            <strong>{line.speaker}</strong>
            <p>{line.text}</p>
          </li>
        ))}
      </ol>
    </section>
  )
}

/** What the page shows of a server event (the recorder keeps far more). */
function describe(event: Record<string, unknown>): Line | undefined {
  const item = String(event.item_id ?? '')
  switch (event.type) {
    case 'conversation.item.input_audio_transcription.completed':
      return { key: item, speaker: 'user', text: String(event.transcript) }
    case 'response.output_audio_transcript.done':
      return { key: item, speaker: 'assistant', text: String(event.transcript) }
    case 'response.output_audio_transcript.delta':
      return { key: item, speaker: 'assistant', text: `${String(event.delta)}…` }
    case 'response.function_call_arguments.done':
      return { key: item, speaker: 'tool', text: `${String(event.name)}(${String(event.arguments)})` }
    case 'output_audio_buffer.cleared':
      return { key: `cut-${String(event.response_id)}`, speaker: 'barge-in', text: 'the user spoke over the answer: it was cut off' }
    case 'error':
      return { key: `error-${String(event.event_id)}`, speaker: 'error', text: String((event.error as { message?: unknown })?.message) }
    default:
      return undefined
  }
}
