import { useConsent, useRecorderStatus, useSyncStatus } from '@tapedeck/react'

/** What the recorder is doing, from `useRecorderStatus` / `useSyncStatus` / `useConsent`. */
export function StatusBar() {
  const status = useRecorderStatus()
  const sync = useSyncStatus()
  const consent = useConsent()
  return (
    <dl className="status" data-testid="status">
      <div>
        <dt>recorder</dt>
        <dd data-testid="recorder-state">{status.ready ? `${status.state} · ${status.engine} · ${status.durable ? 'durable' : 'memory only'}` : 'starting'}</dd>
      </div>
      <div>
        <dt>events</dt>
        <dd>{`${status.counts.durable} stored / ${status.counts.accepted} accepted${status.counts.dropped ? ` · ${status.counts.dropped} dropped` : ''}`}</dd>
      </div>
      <div>
        <dt>sync</dt>
        <dd data-testid="sync-state">{sync ? `${sync.state}${sync.pendingEvents ? ` · ${sync.pendingEvents} pending` : ''}` : 'off'}</dd>
      </div>
      <div>
        <dt>consent</dt>
        <dd>{`${consent.state}, audio ${consent.scopes.audio ? 'granted' : 'not granted'}`}</dd>
      </div>
      {status.error && (
        <div>
          <dt>last error</dt>
          <dd className="error">{`${status.error.code}: ${status.error.message}`}</dd>
        </div>
      )}
    </dl>
  )
}
