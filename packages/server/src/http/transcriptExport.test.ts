import { parseSync } from 'subtitle'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WebVTTParser } from 'webvtt-parser'
import htmlEntities from 'webvtt-parser/html-entities.json'
import { toTranscript } from '@tapedeck/player'
import { event, recordSession } from '../testing/events.js'
import { errorCode, postBatch, startServer, type TestServer } from '../testing/startServer.js'

const S = 's_voice'

function voiceSession() {
  return [
    event(S, 0, 'session.started', { userId: 'u_1' }),
    event(S, 1, 'transcript.segment', { speaker: 'user', text: 'Hi th', startT: 100, endT: 400, final: false }),
    event(S, 2, 'transcript.segment', { speaker: 'user', text: 'Hi there <b>bold</b>', startT: 100, endT: 900, final: true }),
    event(S, 3, 'transcript.segment', { speaker: 'Dr. <i>Who</i>', text: 'Hello & welcome.', startT: 1000, endT: 2500, final: true }),
    event(S, 4, 'transcript.segment', { speaker: 'user', text: 'Over you', startT: 2000, final: true }),
    event(S, 5, 'session.ended', { lastSeq: 5 }),
  ]
}

describe('GET /v1/sessions/{id}/export?format=vtt|srt|txt', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startServer()
  })
  afterEach(async () => {
    await server.close()
  })

  const get = (path: string) => fetch(`${server.url}${path}`)

  it('answers the player’s toTranscript of the stored events, as a download a subtitle parser reads', async () => {
    const events = voiceSession()
    expect((await postBatch(server.url, events)).status).toBe(201)
    const expected = (format: 'vtt' | 'srt' | 'txt') => toTranscript({ sessionId: S, events }, format)

    const vtt = await get(`/v1/sessions/${S}/export?format=vtt`)
    expect(vtt.status).toBe(200)
    expect(vtt.headers.get('content-type')).toBe('text/vtt; charset=utf-8')
    expect(vtt.headers.get('content-disposition')).toBe(`attachment; filename="tapedeck-${S}.vtt"`)
    expect(vtt.headers.get('x-content-type-options')).toBe('nosniff')
    const vttText = await vtt.text()
    expect(vttText).toBe(expected('vtt'))
    const parsed = new WebVTTParser(htmlEntities as Record<string, string>).parse(vttText)
    expect(parsed.errors).toEqual([])
    expect(parsed.cues.map((cue) => [cue.startTime, cue.endTime, cue.tree.children[0]?.value])).toEqual([
      [0.1, 0.9, 'user'],
      [1, 2.5, 'Dr. &lt;i&gt;Who&lt;/i&gt;'],
      [2, 4, 'user'],
    ])

    const srt = await get(`/v1/sessions/${S}/export?format=srt`)
    expect(srt.headers.get('content-type')).toBe('application/x-subrip; charset=utf-8')
    const srtText = await srt.text()
    expect(srtText).toBe(expected('srt'))
    expect(parseSync(srtText).map((node) => (node.type === 'cue' ? node.data.text : ''))).toEqual([
      'user: Hi there <b>bold</b>',
      'Dr. <i>Who</i>: Hello & welcome.',
      'user: Over you',
    ])

    const txt = await get(`/v1/sessions/${S}/export?format=txt`)
    expect(txt.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(await txt.text()).toBe('[00:00:00.100] user: Hi there <b>bold</b>\n[00:00:01.000] Dr. <i>Who</i>: Hello & welcome.\n[00:00:02.000] user: Over you\n')
  })

  it('a session without transcript: an empty but valid file; an unknown session: 404; an unknown format: 400', async () => {
    await postBatch(server.url, recordSession('s_chat', 3).events)
    const vtt = await get('/v1/sessions/s_chat/export?format=vtt')
    expect([vtt.status, await vtt.text()]).toEqual([200, 'WEBVTT\n\n'])
    expect(await (await get('/v1/sessions/s_chat/export?format=srt')).text()).toBe('')
    const missing = await get('/v1/sessions/s_nope/export?format=vtt')
    expect([missing.status, await errorCode(missing)]).toEqual([404, 'session_not_found'])
    const unknown = await get('/v1/sessions/s_chat/export?format=json')
    expect([unknown.status, await errorCode(unknown)]).toEqual([400, 'invalid_query'])
  })
})
