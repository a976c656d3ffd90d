import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react'
import { createInstrumentedFetch } from '@tapedeck/core/instrument'
import { useRecorder, useRecorderStatus, useSessionRecording } from '@tapedeck/react'
import { createSupportAgent, MODEL } from '../llm/supportAgent'
import { VoiceInput } from './VoiceInput'

export interface ChatMessage {
  id: string
  role: 'user' | 'assistant'
  content: string
  via?: 'voice'
  tools?: Array<{ id: string; name: string; args: unknown; result?: unknown }>
  pending?: boolean
  error?: string
  rating?: 1 | -1
}

const LLM_BASE_URL = new URL('/llm/v1', location.href).href
/**
 * The agent's version, recorded with each session: evaluations compare pass rates per version
 * (docs/evaluations.md). `?agent=support@2` records another one.
 */
const AGENT_ID = new URLSearchParams(location.search).get('agent') || 'support@1'

/**
 * The support chat. One conversation is one Tapedeck session (`sessionId`): a reload continues
 * it, and the messages come back from what the recorder stored.
 */
export function ChatPage({ conversationId, onNewConversation }: { conversationId: string; onNewConversation(): void }) {
  // (The app gives each conversation its own ChatPage, by key: a new one starts with a new agent.)
  const recorder = useRecorder()
  const ready = useRecorderStatus((s) => s.ready)
  const recording = useSessionRecording({ userId: 'playground-user', feature: 'support-chat', label: 'Support chat', agentId: AGENT_ID, sessionId: conversationId, autoStart: true })
  const llmFetch = useMemo(() => createInstrumentedFetch(recorder), [recorder])
  const agent = useMemo(() => createSupportAgent({ baseURL: LLM_BASE_URL, fetch: llmFetch, recorder }), [llmFetch, recorder])
  const [messages, setMessages] = useState<ChatMessage[]>([])
  const [busy, setBusy] = useState(false)
  const [draft, setDraft] = useState('')
  const list = useRef<HTMLOListElement>(null)

  // A reload: the conversation is in IndexedDB already. Show it, and give the model its history.
  useEffect(() => {
    if (!ready) return
    let cancelled = false
    void recorder.sessions.events(conversationId).then((events) => {
      if (cancelled) return
      const restored: ChatMessage[] = []
      for (const event of events) {
        if (event.type !== 'message.created') continue
        const data = event.data as { messageId: string; role: string; content?: string; via?: 'voice' }
        if ((data.role === 'user' || data.role === 'assistant') && data.content) {
          restored.push({ id: data.messageId, role: data.role, content: data.content, ...(data.via && { via: data.via }) })
        }
      }
      if (restored.length > 0 && agent.restore(restored)) setMessages((current) => (current.length === 0 ? restored : current))
    })
    return () => {
      cancelled = true
    }
  }, [ready, recorder, conversationId, agent])

  useEffect(() => {
    list.current?.lastElementChild?.scrollIntoView({ block: 'end' })
  }, [messages])

  const update = (id: string, change: (message: ChatMessage) => ChatMessage) =>
    setMessages((all) => all.map((message) => (message.id === id ? change(message) : message)))

  async function send(text: string, via?: 'voice') {
    if (!text.trim() || busy) return
    setBusy(true)
    const userId = recording.recordMessage('user', text, via ? { via } : undefined)
    const replyId = crypto.randomUUID()
    setMessages((all) => [...all, { id: userId, role: 'user', content: text, ...(via && { via }) }, { id: replyId, role: 'assistant', content: '', pending: true }])
    try {
      const answer = await agent.send(text, {
        onText: (delta) => update(replyId, (m) => ({ ...m, content: m.content + delta })),
        onTool: (call) =>
          update(replyId, (m) => ({ ...m, tools: [...(m.tools ?? []).filter((t) => t.id !== call.id), call] })),
      })
      recording.recordMessage('assistant', answer, { messageId: replyId, model: MODEL })
      // A checkpoint per turn: the replay's timeline can jump to it.
      recording.snapshot({ description: `after turn ${Math.ceil(agent.history.length / 2)}`, state: { model: MODEL, messages: agent.history as never } })
      update(replyId, (m) => ({ ...m, content: answer, pending: false }))
    } catch (error) {
      update(replyId, (m) => ({ ...m, pending: false, error: error instanceof Error ? error.message : String(error) }))
    } finally {
      setBusy(false)
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault()
    const text = draft
    setDraft('')
    void send(text)
  }

  function rate(message: ChatMessage, rating: 1 | -1) {
    recording.feedback({ rating, messageId: message.id })
    update(message.id, (m) => ({ ...m, rating }))
  }

  return (
    <section className="chat" aria-label="Support chat">
      <header className="chat-head">
        <h2>Support chat</h2>
        <span className="muted" data-testid="session-id">
          {recording.sessionId ? `session ${recording.sessionId} · ${recording.status}` : 'starting…'}
        </span>
        <button type="button" onClick={onNewConversation} disabled={busy}>
          New conversation
        </button>
      </header>
      {recording.error && <p className="error">Not recording: {recording.error.message}</p>}
      <ol className="messages" ref={list} aria-live="polite">
        {messages.length === 0 && <li className="muted">Ask about an order, e.g. “Where is my order A1042?”</li>}
        {messages.map((message) => (
          <li key={message.id} className={`message ${message.role}`} data-role={message.role} data-pending={message.pending ? 'true' : undefined}>
            <strong>{message.role === 'user' ? (message.via === 'voice' ? 'You (voice)' : 'You') : 'Assistant'}</strong>
            {message.tools?.map((tool) => (
              <div key={tool.id} className="tool" data-testid="tool-call">
                {`${tool.name}(${JSON.stringify(tool.args)})`} {tool.result === undefined ? '…' : `→ ${JSON.stringify(tool.result)}`}
              </div>
            ))}
            <p>{message.content || (message.pending ? '…' : '')}</p>
            {message.error && <p className="error">{message.error}</p>}
            {message.role === 'assistant' && !message.pending && !message.error && (
              <span className="rating">
                <button type="button" aria-label="Helpful" aria-pressed={message.rating === 1} onClick={() => rate(message, 1)}>
                  👍
                </button>
                <button type="button" aria-label="Not helpful" aria-pressed={message.rating === -1} onClick={() => rate(message, -1)}>
                  👎
                </button>
              </span>
            )}
          </li>
        ))}
      </ol>
      <form className="composer" onSubmit={submit}>
        <input
          aria-label="Message"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          placeholder="Type a message"
          autoComplete="off"
          data-tapedeck="message-input"
        />
        <button type="submit" disabled={busy || !draft.trim()} data-tapedeck="send">
          Send
        </button>
        <VoiceInput sessionId={recording.sessionId} disabled={busy} onTranscript={(text) => void send(text, 'voice')} />
      </form>
    </section>
  )
}
