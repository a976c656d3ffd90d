import { useDeleteSession, useExportSession, useRecordings, useSyncNow, type RecordingServer } from '@tapedeck/react/query'
import { href } from '../useHashRoute'

const money = (usd: number | null | undefined) => (usd ? `$${usd.toFixed(5)}` : '—')
const when = (ms: number) => new Date(ms).toLocaleString()

/** Sessions in this browser (`recorder.sessions`) and on the reference server, with the react-query hooks. */
export function SessionsPage({ endpoint }: { endpoint: string | undefined }) {
  return (
    <section className="sessions">
      <LocalSessions />
      {endpoint ? <ServerSessions source={{ server: endpoint }} /> : <p className="muted">No server: start the playground with `npm start` to sync.</p>}
    </section>
  )
}

function LocalSessions() {
  const sessions = useRecordings({ limit: 50 }, { refetchInterval: 2000 })
  const syncNow = useSyncNow()
  const exporter = useExportSession()
  const remove = useDeleteSession()

  async function download(id: string) {
    const blob = await exporter.mutateAsync({ id, format: 'jsonl' })
    const link = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: `${id}.jsonl` })
    link.click()
    setTimeout(() => URL.revokeObjectURL(link.href), 1000)
  }

  return (
    <div>
      <h2>
        In this browser{' '}
        <button type="button" onClick={() => syncNow.mutate()} disabled={syncNow.isPending}>
          {syncNow.isPending ? 'Syncing…' : 'Sync now'}
        </button>
      </h2>
      {sessions.error && <p className="error">{sessions.error.message}</p>}
      <table data-testid="local-sessions">
        <thead>
          <tr>
            <th>session</th>
            <th>status</th>
            <th>started</th>
            <th>events</th>
            <th>tokens in / out</th>
            <th>cost</th>
            <th>synced to seq</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {sessions.data?.sessions.map((s) => (
            <tr key={s.id} data-session={s.id}>
              <td>
                <a href={href.replay('local', s.id)}>{s.id}</a>
              </td>
              <td>{s.status}</td>
              <td>{when(s.startedAt)}</td>
              <td>{s.counters.events}</td>
              <td>{`${s.counters.inputTokens ?? 0} / ${s.counters.outputTokens ?? 0}`}</td>
              <td>{money(s.counters.costUsd)}</td>
              <td>{s.syncedSeq ?? '—'}</td>
              <td>
                <button type="button" onClick={() => void download(s.id)}>
                  JSONL
                </button>
                <button type="button" onClick={() => remove.mutate(s.id)}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {sessions.data?.sessions.length === 0 && <p className="muted">Nothing recorded yet.</p>}
    </div>
  )
}

function ServerSessions({ source }: { source: RecordingServer }) {
  const sessions = useRecordings({ limit: 50 }, { source, refetchInterval: 3000 })
  return (
    <div>
      <h2>On the server</h2>
      <p className="muted">{source.server}</p>
      {sessions.error && <p className="error">{sessions.error.message}</p>}
      <table data-testid="server-sessions">
        <thead>
          <tr>
            <th>session</th>
            <th>status</th>
            <th>complete</th>
            <th>events</th>
            <th>tokens in / out</th>
            <th>cost</th>
          </tr>
        </thead>
        <tbody>
          {sessions.data?.sessions.map((s) => (
            <tr key={s.id} data-session={s.id}>
              <td>
                <a href={href.replay('server', s.id)}>{s.id}</a>
              </td>
              <td>{s.status}</td>
              <td>{s.completeness.complete ? 'yes' : s.completeness.gaps.length ? `gaps: ${s.completeness.gaps.length}` : 'not ended'}</td>
              <td>{s.stats.events}</td>
              {/* Sealed for the backend (encryptForServer): the server cannot count tokens or cost. */}
              <td>{s.stats.inputTokens === null ? 'sealed' : `${s.stats.inputTokens} / ${s.stats.outputTokens}`}</td>
              <td>{s.stats.costUsd === null ? 'sealed' : money(s.stats.costUsd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
