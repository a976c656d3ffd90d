// recordPeerConnection in Chromium: two peer connections on loopback (real WebRTC, no signalling
// server), the page's side recorded while the other side adds and removes a track.
import { afterEach, beforeAll, describe, expect, test } from 'vitest'
import type { TapedeckEvent } from '../events/catalogue'
import { clickToAllowAudio, toneStream } from '../../test/audio'
import { closeAll, recorderFor, uniqueDb, waitFor } from '../../test/browser'
import { MIN_STATS_INTERVAL_MS, recordPeerConnection } from './recordPeerConnection'

const closing: Array<() => unknown> = []
beforeAll(clickToAllowAudio)
afterEach(async () => {
  for (const close of closing.splice(0)) await close()
  await closeAll()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function link(a: RTCPeerConnection, b: RTCPeerConnection) {
  a.addEventListener('icecandidate', (event) => void b.addIceCandidate(event.candidate ?? undefined).catch(() => {}))
  b.addEventListener('icecandidate', (event) => void a.addIceCandidate(event.candidate ?? undefined).catch(() => {}))
}

async function negotiate(offerer: RTCPeerConnection, answerer: RTCPeerConnection) {
  await offerer.setLocalDescription(await offerer.createOffer())
  await answerer.setRemoteDescription(offerer.localDescription!)
  await answerer.setLocalDescription(await answerer.createAnswer())
  await offerer.setRemoteDescription(answerer.localDescription!)
}

const ofType = (events: TapedeckEvent[], type: string) => events.filter((event) => event.type === type)

describe('recordPeerConnection', () => {
  test('tracks added and removed, connection states, getStats samples at a bounded rate, and both audio tracks', async () => {
    const recorder = recorderFor(uniqueDb(), { consent: { audio: 'none', remember: false } })
    const session = await recorder.start()
    const [mic, voice, second] = await Promise.all([toneStream(440, 0.3), toneStream(220, 0.3), toneStream(330, 0.3)])
    closing.push(mic.close, voice.close, second.close)
    const page = new RTCPeerConnection()
    const other = new RTCPeerConnection()
    closing.push(() => page.close(), () => other.close())
    link(page, other)
    // Asked for every 100 ms: sampled once a second at most.
    const recording = recordPeerConnection(recorder, page, { statsIntervalMs: 100 })
    page.addTrack(mic.stream.getAudioTracks()[0]!, mic.stream)
    other.addTrack(voice.stream.getAudioTracks()[0]!, voice.stream)
    const speaker = new Audio()
    closing.push(() => speaker.pause())
    page.addEventListener('track', (event) => {
      if (speaker.srcObject) return
      speaker.srcObject = new MediaStream([event.track])
      void speaker.play().catch(() => {})
    })
    await negotiate(page, other)
    await waitFor(() => page.connectionState, (state) => state === 'connected')
    await sleep(1500)
    // The other side adds a second track, then takes it away again.
    const added = other.addTrack(second.stream.getAudioTracks()[0]!, second.stream)
    await negotiate(other, page)
    await sleep(1000)
    other.removeTrack(added)
    await negotiate(other, page)
    await sleep(1200)
    await recording.stop()
    await recorder.flush()
    const events = await recorder.sessions.events(session.id)
    expect(recording.stats.errors).toBe(0)

    const tracks = ofType(events, 'rtc.track').map((event) => event.data as Record<string, unknown>)
    expect(tracks.map(({ change, side, kind }) => [change, side, kind])).toEqual([
      ['added', 'local', 'audio'],
      ['added', 'remote', 'audio'],
      ['added', 'remote', 'audio'],
      ['removed', 'remote', 'audio'],
    ])
    expect(tracks[0]!.trackId).toBe(mic.stream.getAudioTracks()[0]!.id)
    // The remote id is the receiver's; the one added second is the one removed.
    expect(tracks[3]!.trackId).toBe(tracks[2]!.trackId)
    expect(tracks[2]!.trackId).not.toBe(tracks[1]!.trackId)

    const states = ofType(events, 'rtc.state').map((event) => (event.data as { connectionState: string }).connectionState)
    expect(states).toEqual(['new', 'connecting', 'connected'])

    const samples = ofType(events, 'metric.sampled')
    const rtt = samples.filter((event) => (event.data as { name: string }).name === 'rtc.roundTripTime')
    // About 3.7 s connected: 3 samples, 4 at most, never closer than the bound.
    expect(rtt.length).toBeGreaterThanOrEqual(2)
    expect(rtt.length).toBeLessThanOrEqual(4)
    for (let i = 1; i < rtt.length; i++) expect(rtt[i]!.t - rtt[i - 1]!.t).toBeGreaterThan(MIN_STATS_INTERVAL_MS - 150)
    for (const event of rtt) expect(event.data).toMatchObject({ unit: 'ms', value: expect.any(Number) })
    expect(Math.max(...rtt.map((event) => (event.data as { value: number }).value))).toBeLessThan(200) // loopback
    const names = new Set(samples.map((event) => (event.data as { name: string }).name))
    expect([...names].sort()).toEqual(['rtc.audioLevel', 'rtc.jitter', 'rtc.packetLoss', 'rtc.roundTripTime'])
    const loss = samples.filter((event) => (event.data as { name: string }).name === 'rtc.packetLoss').map((event) => (event.data as { value: number }).value)
    expect(Math.max(...loss)).toBeLessThan(0.05)
    // The other side's voice is heard on the page: a non-zero level.
    expect(Math.max(...samples.filter((event) => (event.data as { name: string }).name === 'rtc.audioLevel').map((event) => (event.data as { value: number }).value))).toBeGreaterThan(0)

    const audio = recorder.getSnapshot().audio
    for (const side of ['input', 'output'] as const) {
      expect(audio[side].parts).toBeGreaterThan(0)
      expect(audio[side].durableParts).toBe(audio[side].parts)
      expect(ofType(events, `audio.${side}`).length).toBe(audio[side].parts)
    }
  }, 30_000)
})
