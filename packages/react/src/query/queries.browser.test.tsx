import type { ReactNode } from 'react'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, expect, inject, test } from 'vitest'
import type { Recorder, RecorderOptions } from '@tapedeck/core'
import { Capture, cleanupAll, outsideRecorder, uniqueDb, waitFor } from '../../test/helpers'
import { RecorderProvider } from '../RecorderProvider'
import { ReadApiError } from '@tapedeck/core/read'
import { ServerRequestError } from './ServerRequestError'
import { useDeleteSession } from './useDeleteSession'
import { useExportSession } from './useExportSession'
import { useRecording } from './useRecording'
import { useRecordingEvents } from './useRecordingEvents'
import { useRecordings } from './useRecordings'
import { useSyncNow } from './useSyncNow'
import type { RecordingServer } from './RecordingSource'
import { tapedeckKeys } from './tapedeckKeys'

afterEach(cleanupAll)

const server = (): RecordingServer => ({ server: inject('tapedeckServer') })

function newClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false } } })
}

function withProviders(client: QueryClient, options: RecorderOptions | null, children: ReactNode) {
  return (
    <QueryClientProvider client={client}>
      {options ? <RecorderProvider options={options}>{children}</RecorderProvider> : children}
    </QueryClientProvider>
  )
}

/** Sessions recorded (and ended) by a recorder of their own, closed afterwards. */
async function seed(options: RecorderOptions, userId: string, count: number): Promise<string[]> {
  const recorder = outsideRecorder(options)
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    const { id } = await recorder.start({ userId, feature: 'chat' })
    recorder.record('message.created', { messageId: `m${i}`, role: 'user', content: `hello ${i}` })
    await recorder.stop()
    ids.push(id)
  }
  if (options.endpoint) await recorder.syncNow()
  await recorder.close()
  return ids
}

function text(testId: string): string {
  return screen.getByTestId(testId).textContent!
}

test('local: list, one session and its events; deleting invalidates the list and the session', async () => {
  const dbName = uniqueDb()
  const [first, second] = await seed({ dbName }, 'u_local', 2)
  await seed({ dbName }, 'u_other', 1)

  function Recordings() {
    const list = useRecordings({ userId: 'u_local' })
    const one = useRecording(first)
    const events = useRecordingEvents(first)
    const remove = useDeleteSession()
    return (
      <div>
        <p data-testid="list">{list.data ? list.data.sessions.map((s) => s.id).join(',') : list.status}</p>
        <p data-testid="one">{one.data === undefined ? one.status : one.data === null ? 'gone' : `${one.data.status} ${one.data.counters.events}`}</p>
        <p data-testid="events">{events.data?.map((e) => e.type).join(',') ?? events.status}</p>
        <button onClick={() => remove.mutate(first!)}>delete</button>
      </div>
    )
  }
  render(withProviders(newClient(), { dbName }, <Recordings />))
  // Newest first.
  await waitFor(() => expect(text('list')).toBe(`${second},${first}`))
  await waitFor(() => expect(text('one')).toBe('ended 3'))
  await waitFor(() => expect(text('events')).toBe('session.started,message.created,session.ended'))

  fireEvent.click(screen.getByText('delete'))
  await waitFor(() => expect(text('list')).toBe(second))
  await waitFor(() => expect(text('one')).toBe('gone'))
  await waitFor(() => expect(text('events')).toBe(''))
})

test('local: export gives the session as NDJSON', async () => {
  const dbName = uniqueDb()
  const [id] = await seed({ dbName }, 'u_export', 1)
  const result = { blob: null as Blob | null }
  function Export() {
    const exporter = useExportSession()
    return <button onClick={() => exporter.mutate({ id: id! }, { onSuccess: (blob) => (result.blob = blob) })}>export</button>
  }
  render(withProviders(newClient(), { dbName }, <Export />))
  fireEvent.click(screen.getByText('export'))
  await waitFor(() => expect(result.blob).not.toBeNull())
  const lines = (await result.blob!.text()).trim().split('\n').map((line) => JSON.parse(line) as { type: string; sessionId: string })
  expect(lines.map((e) => e.type)).toEqual(['session.started', 'message.created', 'session.ended'])
  expect(new Set(lines.map((e) => e.sessionId))).toEqual(new Set([id]))
})

test('server: list, detail and events from a real @tapedeck/server; deleting there invalidates the list', async () => {
  const userId = `u_${crypto.randomUUID()}`
  const [first, second] = await seed({ dbName: uniqueDb(), endpoint: inject('tapedeckServer') }, userId, 2)

  function Remote() {
    const source = server()
    const list = useRecordings({ userId }, { source })
    const one = useRecording(first, { source })
    const missing = useRecording('no-such-session', { source })
    const events = useRecordingEvents(first, { source, fromSeq: 1 })
    const remove = useDeleteSession({ source })
    return (
      <div>
        <p data-testid="list">{list.data ? list.data.sessions.map((s) => s.id).join(',') : list.status}</p>
        <p data-testid="one">
          {one.data ? `${one.data.status} complete=${one.data.completeness.complete} events=${one.data.stats.events} user=${String(one.data.metadata.userId)}` : one.status}
        </p>
        <p data-testid="missing">{missing.isSuccess ? String(missing.data) : missing.status}</p>
        <p data-testid="events">{events.data?.map((e) => `${e.seq}:${e.type}`).join(',') ?? events.status}</p>
        <button onClick={() => remove.mutate(second!)}>delete</button>
      </div>
    )
  }
  // No RecorderProvider: reading a server needs none.
  render(withProviders(newClient(), null, <Remote />))
  await waitFor(() => expect(text('list')).toBe(`${second},${first}`))
  await waitFor(() => expect(text('one')).toBe(`ended complete=true events=3 user=${userId}`))
  await waitFor(() => expect(text('missing')).toBe('null'))
  await waitFor(() => expect(text('events')).toBe('1:message.created,2:session.ended'))

  fireEvent.click(screen.getByText('delete'))
  await waitFor(() => expect(text('list')).toBe(first))
  const response = await fetch(`${inject('tapedeckServer')}/v1/sessions/${second}`)
  expect(response.status).toBe(404)
})

test('server: a refusal surfaces as ReadApiError (and its old name ServerRequestError) with the server code', async () => {
  function Bad() {
    const list = useRecordings({ limit: 100_000 }, { source: server() })
    return <p data-testid="error">{list.error instanceof ReadApiError && list.error instanceof ServerRequestError ? `${list.error.status} ${list.error.code}` : list.status}</p>
  }
  render(withProviders(newClient(), null, <Bad />))
  await waitFor(() => expect(text('error')).toBe('400 invalid_query'))
})

test('useSyncNow uploads, then refetches server lists and local sessions', async () => {
  const userId = `u_${crypto.randomUUID()}`
  const ref = { current: null as Recorder | null }
  function Sync({ id }: { id: string | null }) {
    const remote = useRecordings({ userId }, { source: server() })
    const local = useRecording(id)
    const sync = useSyncNow()
    return (
      <div>
        <p data-testid="remote">{remote.data ? String(remote.data.sessions.length) : remote.status}</p>
        <p data-testid="synced">{local.data ? String(local.data.syncedSeq ?? -1) : local.status}</p>
        <button onClick={() => sync.mutate()}>sync</button>
      </div>
    )
  }
  const client = newClient()
  const options = { dbName: uniqueDb(), endpoint: inject('tapedeckServer'), sync: 'manual' as const }
  const tree = (id: string | null) =>
    withProviders(
      client,
      options,
      <>
        <Capture into={ref} />
        <Sync id={id} />
      </>,
    )
  const { rerender } = render(tree(null))
  const recorder = ref.current!
  const { id } = await act(() => recorder.start({ userId }))
  recorder.record('message.created', { messageId: 'm1', role: 'user', content: 'hello' })
  await act(() => recorder.stop())
  rerender(tree(id))
  await waitFor(() => expect(text('remote')).toBe('0'))
  await waitFor(() => expect(text('synced')).toBe('-1'))

  fireEvent.click(screen.getByText('sync'))
  await waitFor(() => expect(text('remote')).toBe('1'))
  await waitFor(() => expect(text('synced')).toBe('2'))
  expect(client.getQueryData(tapedeckKeys.list(tapedeckKeys.server(inject('tapedeckServer')), { userId }))).toMatchObject({
    sessions: [{ id, status: 'ended' }],
  })
})
