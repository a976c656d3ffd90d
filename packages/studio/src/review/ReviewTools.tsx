import { useState, type FormEvent, type RefObject } from 'react'
import { formatTime } from '@tapedeck/react/viewer'
import { describeAnnotation } from '../api/annotationTime'
import type { ReviewAnnotation } from '../api/types'
import { Icon } from '../icons/Icon'
import type { Review } from './useReview'

export interface ReviewToolsProps {
  review: Review
  /** The playhead, ms: a comment is attached there. Without it, comments are about the whole session. */
  position?: number
  /** Time of an annotation on the session, for its seek button. */
  timeOf?(annotation: ReviewAnnotation): number | undefined
  onSeek?(t: number): void
  commentInput?: RefObject<HTMLTextAreaElement | null>
}

/** Score 1–5, flag, label and comment, saved to the server; the session's annotations below, each with its moment, the reviewer's own ones editable and deletable. */
export function ReviewTools({ review, position, timeOf, onSeek, commentInput }: ReviewToolsProps) {
  const [comment, setComment] = useState('')
  const [label, setLabel] = useState('')
  const [editing, setEditing] = useState<{ id: string; text: string } | null>(null)
  const saveEdit = (event: FormEvent) => {
    event.preventDefault()
    if (editing) review.edit(editing.id, editing.text)
    setEditing(null)
  }
  const submitComment = (event: FormEvent) => {
    event.preventDefault()
    review.comment(comment, position !== undefined ? { fromT: Math.round(position), toT: Math.round(position) } : undefined)
    setComment('')
  }
  const submitLabel = (event: FormEvent) => {
    event.preventDefault()
    review.label(label)
    setLabel('')
  }
  return (
    <section className="review-tools" aria-labelledby="review-title">
      <h2 id="review-title">Review</h2>
      {review.error && (
        <p className="error" role="alert">
          {review.error.message}
        </p>
      )}
      <div className="score" role="group" aria-label="Score">
        {[1, 2, 3, 4, 5].map((n) => (
          <button key={n} type="button" aria-label={`Score ${n} of 5`} aria-pressed={review.score === n} onClick={() => review.setScore(n)} disabled={review.pending}>
            <Icon name="star" filled={review.score !== null && n <= review.score} />
          </button>
        ))}
        <button type="button" className={review.flagged ? 'flag on' : 'flag'} aria-pressed={review.flagged} onClick={() => review.toggleFlag()} disabled={review.pending}>
          <Icon name="flag" filled={review.flagged} /> {review.flagged ? 'Flagged' : 'Flag'}
        </button>
      </div>
      <form className="inline-form" onSubmit={submitLabel} aria-label="Add a label">
        <label htmlFor="label-input" className="visually-hidden">
          Label
        </label>
        <input id="label-input" value={label} onChange={(event) => setLabel(event.target.value)} placeholder="Label, e.g. refund" />
        <button type="submit" disabled={!label.trim() || review.pending}>
          <Icon name="tag" /> Add label
        </button>
      </form>
      <form className="comment-form" onSubmit={submitComment} aria-label="Add a comment">
        <label htmlFor="comment-input">{position !== undefined ? `Comment at ${formatTime(position)}` : 'Comment on the session'}</label>
        <textarea id="comment-input" ref={commentInput} value={comment} rows={2} onChange={(event) => setComment(event.target.value)} />
        <button type="submit" disabled={!comment.trim() || review.pending}>
          <Icon name="comment" /> Comment
        </button>
      </form>
      <ul className="annotation-list" aria-label="Annotations">
        {review.annotations.map((annotation) => {
          const t = timeOf?.(annotation)
          const own = annotation.author === review.author
          const text = describeAnnotation(annotation)
          if (editing?.id === annotation.id) {
            return (
              <li key={annotation.id} className={`annotation annotation--${annotation.kind}`} data-annotation={annotation.id}>
                <form className="edit-form" onSubmit={saveEdit} aria-label={`Edit the ${annotation.kind}`}>
                  <label htmlFor="edit-annotation" className="visually-hidden">{`Edit the ${annotation.kind}`}</label>
                  <textarea id="edit-annotation" value={editing.text} rows={2} autoFocus onChange={(event) => setEditing({ id: annotation.id, text: event.target.value })} />
                  <button type="submit" disabled={!editing.text.trim() || review.pending}>
                    Save
                  </button>
                  <button type="button" className="ghost" onClick={() => setEditing(null)}>
                    Cancel
                  </button>
                </form>
              </li>
            )
          }
          return (
            <li key={annotation.id} className={`annotation annotation--${annotation.kind}`} data-annotation={annotation.id}>
              {t !== undefined && onSeek ? (
                <button type="button" className="link" onClick={() => onSeek(t)} aria-label={`Go to ${formatTime(t)}`}>
                  {formatTime(t)}
                </button>
              ) : (
                <span className="muted small">session</span>
              )}
              <span className="annotation__text">{text}</span>
              <span className="muted small">{own ? `${annotation.author} (you)` : annotation.author}</span>
              {own && (annotation.kind === 'comment' || annotation.kind === 'label') && (
                <button type="button" className="icon-button" aria-label={`Edit: ${text}`} onClick={() => setEditing({ id: annotation.id, text: annotation.text })}>
                  <Icon name="edit" size={14} />
                </button>
              )}
              {own && (
                <button type="button" className="icon-button" aria-label={`Delete: ${text}`} onClick={() => review.remove(annotation.id)} disabled={review.pending}>
                  <Icon name="close" size={14} />
                </button>
              )}
            </li>
          )
        })}
        {!review.loading && review.annotations.length === 0 && <li className="muted small">No review yet.</li>}
      </ul>
    </section>
  )
}
