import type { Distribution, SpeechStats } from '@tapedeck/player'
import { formatMs } from './formatTime'
import { FieldList } from './FieldList'

const pair = (d: Distribution, format: (value: number) => string) => (d.count ? `${format(d.p50!)} / ${format(d.p95!)}` : '—')
const percent = (ratio: number) => `${(ratio * 100).toFixed(1)} %`

/** Voice analytics of the whole session (`computeStats(recording).speech`): talk time, turns, barge-ins, turn latency, call quality. */
export function SpeechPanel({ speech }: { speech: SpeechStats }) {
  const rows: Array<[string, string]> = []
  for (const [speaker, figures] of Object.entries(speech.speakers)) {
    const wpm = figures.wordsPerMinute === null ? '' : `, ${Math.round(figures.wordsPerMinute)} wpm`
    rows.push([`${speaker} talk`, `${formatMs(figures.talkTimeMs)} in ${figures.turns} turn${figures.turns === 1 ? '' : 's'}${wpm}`])
  }
  rows.push(['silence / overlap', `${formatMs(speech.silenceMs)} / ${formatMs(speech.overlapMs)}`])
  const reasons = Object.entries(speech.interruptions.byReason).map(([reason, count]) => `${count} ${reason}`)
  rows.push(['barge-ins', `${speech.interruptions.total}${reasons.length ? ` (${reasons.join(', ')})` : ''}`])
  rows.push(['turn latency p50 / p95', pair(speech.turnLatencyMs, formatMs)])
  const { roundTripTimeMs, jitterMs, packetLoss } = speech.quality
  if (roundTripTimeMs.count || jitterMs.count || packetLoss.count) {
    rows.push(['round trip p50 / p95', pair(roundTripTimeMs, formatMs)])
    rows.push(['jitter p50 / p95', pair(jitterMs, formatMs)])
    rows.push(['packet loss mean / max', packetLoss.count ? `${percent(packetLoss.mean!)} / ${percent(packetLoss.max!)}` : '—'])
  }
  return (
    <section className="tapedeck-speech" aria-label="Voice">
      <FieldList rows={rows} />
    </section>
  )
}
