'use client'
import { useChat } from '@ai-sdk/react'
import { useRecordedChatTransport, useRecorder, useSessionRecording, useSyncStatus } from '@tapedeck/react'
import { DefaultChatTransport } from 'ai'
import { useEffect, useState } from 'react'

export default function Page() {
  return (
    <main>
      <Chat />
      <LocalSessions />
    </main>
  )
}

function Chat() {
  const { sessionId } = useSessionRecording({ feature: 'next-chat', autoStart: true })
  const sync = useSyncStatus()
  // useChat's transport, recording the conversation: messages, the model's stream, its usage.
  const transport = useRecordedChatTransport(() => new DefaultChatTransport({ api: '/api/chat' }))
  const { messages, sendMessage, status } = useChat({ transport })
  const [text, setText] = useState('Where is my order A1042?')
  return (
    <section>
      <p>
        Session <code data-testid="session">{sessionId ?? '…'}</code> · sync:{' '}
        <span data-testid="sync">{sync ? `${sync.state}, ${sync.pendingEvents} pending` : 'off'}</span>
      </p>
      <ul data-testid="messages">
        {messages.map((message) => (
          <li key={message.id}>
            {message.role}: {message.parts.filter((part) => part.type === 'text').map((part) => part.text).join('')}
          </li>
        ))}
      </ul>
      <form
        onSubmit={(event) => {
          event.preventDefault()
          sendMessage({ text })
        }}
      >
        <input value={text} onChange={(event) => setText(event.target.value)} aria-label="Message" />
        <button type="submit" disabled={status === 'submitted' || status === 'streaming'}>
          Send
        </button>
      </form>
    </section>
  )
}

/** The sessions this browser keeps, with their messages: what survives a reload. */
function LocalSessions() {
  const recorder = useRecorder()
  const [rows, setRows] = useState([])
  const refresh = async () => {
    const { sessions } = await recorder.sessions.list({ limit: 20 })
    setRows(
      await Promise.all(
        sessions.map(async (session) => ({
          id: session.id,
          messages: (await recorder.sessions.events(session.id)).filter((event) => event.type === 'message.created').map((event) => event.data.content),
        })),
      ),
    )
  }
  useEffect(() => void refresh(), [])
  return (
    <section>
      <button onClick={refresh}>Refresh</button>
      <ul data-testid="local-sessions">
        {rows.map((row) => (
          <li key={row.id}>
            {row.id}: {row.messages.join(' | ')}
          </li>
        ))}
      </ul>
    </section>
  )
}
