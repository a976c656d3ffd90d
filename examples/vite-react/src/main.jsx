import { createRecorder } from '@tapedeck/core'
import { RecorderErrorBoundary, RecorderProvider, recorderRootOptions, useRecorder, useSessionRecording, useSyncStatus } from '@tapedeck/react'
import { useEffect, useState } from 'react'
import { createRoot } from 'react-dom/client'

// The backend: @tapedeck/server mounted at /tapedeck by the Express example (same origin).
const recorder = createRecorder({ endpoint: '/tapedeck' })

function Chat() {
  const { recordMessage, sessionId } = useSessionRecording({ feature: 'example-chat', autoStart: true })
  const sync = useSyncStatus()
  const [text, setText] = useState('Where is my order?')
  return (
    <section>
      <p>
        Session <code data-testid="session">{sessionId ?? '…'}</code> · sync: <span data-testid="sync">{sync ? `${sync.state}, ${sync.pendingEvents} pending` : 'off'}</span>
      </p>
      <input value={text} onChange={(event) => setText(event.target.value)} aria-label="Message" />
      <button onClick={() => recordMessage('user', text)}>Send</button>
    </section>
  )
}

/** The sessions this browser keeps, with how many messages each holds: what survives a reload. */
function LocalSessions() {
  const recorder = useRecorder()
  const [rows, setRows] = useState([])
  const refresh = async () => {
    const { sessions } = await recorder.sessions.list({ limit: 20 })
    setRows(await Promise.all(sessions.map(async (session) => ({
      id: session.id,
      messages: (await recorder.sessions.events(session.id)).filter((event) => event.type === 'message.created').map((event) => event.data.content),
    }))))
  }
  useEffect(() => void refresh(), [])
  return (
    <section>
      <button onClick={refresh}>Refresh</button>
      <ul data-testid="local-sessions">
        {rows.map((row) => <li key={row.id}>{row.id}: {row.messages.join(' | ')}</li>)}
      </ul>
    </section>
  )
}

createRoot(document.getElementById('root'), recorderRootOptions(recorder)).render(
  <RecorderProvider recorder={recorder}>
    <RecorderErrorBoundary fallback={<p>Something went wrong.</p>}>
      <Chat />
      <LocalSessions />
    </RecorderErrorBoundary>
  </RecorderProvider>,
)
