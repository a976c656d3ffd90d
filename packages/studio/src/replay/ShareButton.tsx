import { useMutation } from '@tanstack/react-query'
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

/** Share: makes a link (review or admin key) that reads this session and nothing else, until it expires. */
export function ShareButton({ sessionId }: { sessionId: string }) {
  const client = useStudioClient()
  const [open, setOpen] = useState(false)
  const [expires, setExpires] = useState(7 * DAY)
  const [copied, setCopied] = useState(false)
  const share = useMutation({ mutationFn: () => client.share(sessionId, expires) })
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
        </div>
      )}
    </div>
  )
}
