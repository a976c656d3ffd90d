import { useEffect, useState } from 'react'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { RecorderProvider, RecorderWidget, useRecorder, useRecorderStatus, type Recorder } from '@tapedeck/react'
import { ChatPage } from './chat/ChatPage'
import { RealtimePage } from './realtime/RealtimePage'
import { ReplayPage } from './replay/ReplayPage'
import { SessionsPage } from './sessions/SessionsPage'
import { StatusBar } from './StatusBar'
import { href, useHashRoute } from './useHashRoute'

declare global {
  interface Window {
    /** The playground's recorder, for the console (and the e2e tests): `playground.recorder.getSnapshot()`. */
    playground?: { recorder: Recorder }
  }
}

/** `npm start` runs the reference server next to the playground and says where it is. */
export const ENDPOINT = (import.meta.env.VITE_TAPEDECK_ENDPOINT as string | undefined) || undefined

export function App() {
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { retry: 1 } } }))
  return (
    <QueryClientProvider client={queryClient}>
      <RecorderProvider options={{ ...(ENDPOINT && { endpoint: ENDPOINT }), onError: (error) => console.warn('Tapedeck:', error.code, error.message) }}>
        <Shell />
      </RecorderProvider>
    </QueryClientProvider>
  )
}

const CONVERSATION_KEY = 'playground.conversation'
const newConversationId = () => `conv-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`

function Shell() {
  const route = useHashRoute()
  const recorder = useRecorder()
  const ready = useRecorderStatus((s) => s.ready)
  // One conversation is one session; its id survives a reload, so the session continues.
  const [conversationId, setConversationId] = useState(() => localStorage.getItem(CONVERSATION_KEY) ?? newConversationId())
  useEffect(() => localStorage.setItem(CONVERSATION_KEY, conversationId), [conversationId])
  useEffect(() => {
    window.playground = { recorder }
    document.body.dataset.ready = String(ready)
  }, [recorder, ready])

  return (
    <div className="app">
      <header className="top">
        <h1>Tapedeck playground</h1>
        <nav>
          <a href={href.chat} aria-current={route.page === 'chat' ? 'page' : undefined}>
            Chat
          </a>
          <a href={href.realtime} aria-current={route.page === 'realtime' ? 'page' : undefined}>
            Realtime voice
          </a>
          <a href={href.sessions} aria-current={route.page === 'sessions' || route.page === 'replay' ? 'page' : undefined}>
            Sessions
          </a>
        </nav>
        <RecorderWidget />
      </header>
      <StatusBar />
      <main>
        {/* The chat stays mounted on other pages: its session keeps recording, as in a real app. */}
        <div hidden={route.page !== 'chat'}>
          <ChatPage key={conversationId} conversationId={conversationId} onNewConversation={() => setConversationId(newConversationId())} />
        </div>
        {route.page === 'realtime' && <RealtimePage />}
        {route.page === 'sessions' && <SessionsPage endpoint={ENDPOINT} />}
        {route.page === 'replay' && <ReplayPage source={route.source} id={route.id} endpoint={ENDPOINT} />}
      </main>
    </div>
  )
}
