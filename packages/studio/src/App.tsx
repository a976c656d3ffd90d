import { useQueryClient } from '@tanstack/react-query'
import { lazy, Suspense, useEffect, useMemo } from 'react'
import { prefetchSession } from './api/prefetchSession'
import { createStudioClient } from './api/studioClient'
import { StudioClientContext } from './api/useStudioClient'
import { credentials, useCredentials } from './auth/credentials'
import { Icon, type IconName } from './icons/Icon'
import { OverviewPage } from './pages/OverviewPage'
import { SessionsPage } from './pages/SessionsPage'
import { SignInPage } from './pages/SignInPage'
import { href, navigate, useRoute } from './routing/useRoute'

// The replay (the player, the viewer's parts) loads when a session is opened: the Overview and
// the finder do not wait for it.
const loadSessionPage = () => import('./pages/SessionPage')
const SessionPage = lazy(() => loadSessionPage().then((m) => ({ default: m.SessionPage })))
// Opened at a session (a link, a reload): its code starts loading with the app's, not after it.
if (/^#\/(sessions\/|share\/|review)/.test(location.hash)) void loadSessionPage()
const ReviewPage = lazy(() => import('./pages/ReviewPage').then((m) => ({ default: m.ReviewPage })))

const NAV: Array<{ path: string; label: string; icon: IconName }> = [
  { path: 'overview', label: 'Overview', icon: 'chart' },
  { path: 'sessions', label: 'Sessions', icon: 'list' },
  { path: 'review', label: 'Review queue', icon: 'inbox' },
]

/**
 * The Studio: sign in (a key, for this tab only) or a share link, then the pages. Everything a
 * page shows is chosen by the URL's fragment (routing/useRoute).
 */
export function App() {
  const route = useRoute()
  const auth = useCredentials()
  const queryClient = useQueryClient()
  const client = useMemo(() => createStudioClient(auth), [auth])

  // A share link (`#/share/{sessionId}?token=…`) signs this tab in for that one session.
  const [page, shareSession] = route.path
  const shareToken = page === 'share' ? route.params.get('token') : null
  useEffect(() => {
    if (shareToken && shareSession) {
      queryClient.clear()
      credentials.set({ kind: 'share', token: shareToken, sessionId: shareSession })
      navigate(href(['sessions', shareSession]), true)
    }
  }, [shareToken, shareSession, queryClient])

  // A session's data starts loading with the replay's code, not after it.
  const openSession = auth?.kind === 'share' ? auth.sessionId : page === 'sessions' ? route.path[1] : page === 'review' ? route.params.get('session') : null
  useEffect(() => {
    if (auth && openSession) prefetchSession(openSession, auth)
  }, [auth, openSession])

  if (shareToken) return null
  if (!auth) return <SignInPage />

  const signOut = () => {
    credentials.set(null)
    queryClient.clear()
    navigate('#/')
  }
  const shared = auth.kind === 'share'
  const current = page ?? 'overview'
  let content
  if (shared) content = <SessionPage sessionId={auth.sessionId} params={route.params} shared />
  else if (current === 'sessions' && route.path[1]) content = <SessionPage sessionId={route.path[1]} params={route.params} />
  else if (current === 'sessions') content = <SessionsPage params={route.params} />
  else if (current === 'review') content = <ReviewPage params={route.params} />
  else content = <OverviewPage params={route.params} />

  return (
    <StudioClientContext.Provider value={client}>
      <div className="shell">
        <header className="topbar">
          <a className="brand" href={shared ? href(['sessions', auth.sessionId]) : href(['overview'])}>
            Tapedeck <span>Studio</span>
          </a>
          {!shared && (
            <nav aria-label="Pages">
              {NAV.map((item) => (
                <a key={item.path} href={href([item.path])} aria-current={current === item.path ? 'page' : undefined}>
                  <Icon name={item.icon} />
                  <span className="nav-label">{item.label}</span>
                </a>
              ))}
            </nav>
          )}
          {shared && <span className="pill">Shared session, read only</span>}
          <button type="button" className="ghost" onClick={signOut} aria-label="Sign out">
            <Icon name="out" />
            <span className="nav-label">Sign out</span>
          </button>
        </header>
        <main>
          <Suspense fallback={<p className="page muted">Loading…</p>}>{content}</Suspense>
        </main>
      </div>
    </StudioClientContext.Provider>
  )
}
