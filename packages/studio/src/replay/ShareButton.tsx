import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useStudioClient } from '../api/useStudioClient'
import { Icon } from '../icons/Icon'
import { href } from '../routing/useRoute'

const DAY = 24 * 60 * 60 * 1000
const EXPIRIES: Array<[number, string]> = [
  [DAY, '1 day'],
  [7 * DAY, '7 days'],
  [30 * DAY, '30 days'],
]

/** The address that opens one session with a share token: in the fragment, so no server logs it. */
export function shareLink(sessionId: string, token: string): string {
  return `${location.origin}${location.pathname}${href(['share', sessionId], { token })}`
}

/** Share: makes a link (review or admin key) that reads this session and nothing else, until it expires; lists the live links, each revocable. */
export function ShareButton({ sessionId }: { sessionId: string }) {
  const client = useStudioClient()
  const [open, setOpen] = useState(false)
  const [expires, setExpires] = useState(7 * DAY)
  const [copied, setCopied] = useState(false)
  const queryClient = useQueryClient()
  const sharesKey = ['shares', sessionId]
  const refresh = () => void queryClient.invalidateQueries({ queryKey: sharesKey })
  const share = useMutation({ mutationFn: () => client.share(sessionId, expires), onSuccess: refresh })
  const shares = useQuery({ queryKey: sharesKey, queryFn: ({ signal }) => client.shares(sessionId, signal), enabled: open })
  const revoke = useMutation({
    mutationFn: (shareId: string) => client.revokeShare(sessionId, shareId),
    onSuccess: (_, shareId) => {
      // The link just made is dead once revoked: stop showing it.
      if (share.data?.share.id === shareId) share.reset()
      refresh()
    },
  })
  const link = share.data ? shareLink(sessionId, share.data.token) : null
  return (
    <div className="share">
      <button type="button" className="primary" aria-expanded={open} aria-controls="share-panel" onClick={() => setOpen(!open)}>
        <Icon name="share" /> Share
      </button>
      {open && (
        <div id="share-panel" className="popover" role="dialog" aria-label="Share this session">
          <label className="field">
            <span>Link expires after</span>
            <select value={expires} onChange={(event) => setExpires(Number(event.target.value))}>
              {EXPIRIES.map(([ms, text]) => (
                <option key={ms} value={ms}>
                  {text}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => share.mutate()} disabled={share.isPending}>
            {share.isPending ? 'Making…' : 'Make link'}
          </button>
          {share.error && (
            <p className="error" role="alert">
              {share.error.message}
            </p>
          )}
          {link && (
            <>
              <label className="field">
                <span>Share link (reads this session only)</span>
                <input readOnly value={link} data-testid="share-link" onFocus={(event) => event.target.select()} />
              </label>
              <button
                type="button"
                onClick={() => void navigator.clipboard?.writeText(link).then(() => setCopied(true), () => setCopied(false))}
              >
                <Icon name="copy" /> {copied ? 'Copied' : 'Copy link'}
              </button>
              <p className="muted small">{`Until ${new Date(share.data!.share.expiresAt).toLocaleString()}.`}</p>
            </>
          )}
          <h3 className="small">Live links</h3>
          {(shares.error ?? revoke.error) && (
            <p className="error" role="alert">
              {(shares.error ?? revoke.error)!.message}
            </p>
          )}
          <ul className="share-list" aria-label="Live share links">
            {(shares.data ?? []).map((link) => (
              <li key={link.id}>
                <span className="small">{`Made ${new Date(link.createdAt).toLocaleString()}, until ${new Date(link.expiresAt).toLocaleString()}`}</span>
                <button type="button" onClick={() => revoke.mutate(link.id)} disabled={revoke.isPending} aria-label={`Revoke the link made ${new Date(link.createdAt).toLocaleString()}`}>
                  Revoke
                </button>
              </li>
            ))}
            {shares.data?.length === 0 && <li className="muted small">None: nobody outside can open this session.</li>}
          </ul>
        </div>
      )}
    </div>
  )
}
