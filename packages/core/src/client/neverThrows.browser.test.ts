import { afterEach, describe, expect, test, vi } from 'vitest'
import type { ErrorInfo } from '../errors'
import { closeAll, recorderFor, uniqueDb } from '../../test/browser'

afterEach(closeAll)
afterEach(() => vi.restoreAllMocks())

const bug = new Error('getter bug')
const unreadable = () => ({
  getter: { ok: 1, get broken(): never { throw bug } },
  proxy: new Proxy({}, { ownKeys: () => { throw bug } }),
})

describe('capture calls never throw into the page', () => {
  test('record() before start(), bad payloads and unreadable ones are refused and reported, not thrown', async () => {
    const reported: ErrorInfo[] = []
    const recorder = recorderFor(uniqueDb(), { debug: false, onError: (error) => reported.push(error) })
    expect(recorder.record('x.early', {})).toBe(false)
    expect(reported.map((error) => error.code)).toEqual(['no_active_session'])
    const { id } = await recorder.start()
    expect(recorder.record('x.good', { n: 1 })).toBe(true)
    const { getter, proxy } = unreadable()
    expect(recorder.record('x.getter', getter)).toBe(false)
    expect(recorder.record('x.proxy', proxy)).toBe(false)
    expect(recorder.record('x.fn', { onClick: () => {} })).toBe(false)
    expect(recorder.record('not a type' as 'x.a', {})).toBe(false)
    expect(recorder.record('x.good', { n: 2 })).toBe(true)
    expect(reported.slice(1).map((error) => error.code)).toEqual(['invalid_event_data', 'invalid_event_data', 'not_serializable', 'invalid_event_type'])
    expect(reported[1]!.cause).toBe(bug)
    expect(reported[2]!.cause).toBe(bug)
    await recorder.flush()
    expect((await recorder.sessions.events(id)).map((event) => event.type)).toEqual(['session.started', 'x.good', 'x.good'])
    const status = recorder.getSnapshot()
    expect(status.counts).toMatchObject({ accepted: 3, rejected: 5 })
    expect(status.errors.map((error) => error.code)).toEqual(reported.map((error) => error.code))
  })

  test('snapshot, annotate and transcript with input they cannot read report it and return', async () => {
    const reported: ErrorInfo[] = []
    const recorder = recorderFor(uniqueDb(), { debug: false, onError: (error) => reported.push(error) })
    await recorder.start()
    expect(recorder.snapshot(undefined as never)).toBe('')
    expect(recorder.annotate(null as never)).toBe('')
    expect(recorder.transcript(undefined as never)).toBe(false)
    expect(recorder.snapshot({ state: unreadable().getter })).toMatch(/^snap_/)
    expect(reported.map((error) => error.code)).toEqual(['invalid_event_data', 'invalid_event_data', 'invalid_event_data', 'invalid_event_data'])
    expect(reported[0]!.cause).toBeInstanceOf(TypeError)
    expect(reported[3]!.cause).toBe(bug)
    expect(recorder.getSnapshot().counts.rejected).toBe(4)
  })

  test('audio and consent calls on a closed recorder, or with bad arguments, resolve and report', async () => {
    const reported: ErrorInfo[] = []
    const recorder = recorderFor(uniqueDb(), { debug: false, onError: (error) => reported.push(error) })
    await recorder.start()
    const track = await recorder.audio.start('microphone', { track: 'both' as never })
    expect(track.state).toBe('error')
    expect(() => recorder.audio.pause('both' as never)).not.toThrow()
    expect(reported.map((error) => error.code)).toEqual(['invalid_options', 'invalid_options'])
    await recorder.close()
    await expect(recorder.consent.grant()).resolves.toBeUndefined()
    await expect(recorder.consent.withdraw()).resolves.toBeUndefined()
    expect(recorder.record('x.late', {})).toBe(false)
    expect(reported.slice(2).map((error) => error.code)).toEqual(['recorder_closed', 'recorder_closed', 'recorder_closed'])
  })

  test('the console hears of each code once, with debug: true; never with debug: false', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const quiet = recorderFor(uniqueDb(), { debug: false })
    quiet.record('x.early', {})
    expect(warn).not.toHaveBeenCalled()
    const recorder = recorderFor(uniqueDb(), { debug: true })
    for (let i = 0; i < 3; i++) recorder.record('x.early', {})
    await recorder.start()
    for (let i = 0; i < 3; i++) recorder.record('x.getter', unreadable().getter)
    expect(warn).toHaveBeenCalledTimes(2)
    expect(warn.mock.calls[0]![0]).toMatch(/^Tapedeck \(no_active_session\): .*call start\(\)/)
    expect(warn.mock.calls[1]![0]).toMatch(/^Tapedeck \(invalid_event_data\): Cannot read the data/)
    expect(warn.mock.calls[1]![1]).toBe(bug)
    expect(recorder.getSnapshot().counts.rejected).toBe(6)
  })

  test('strict: true throws each report as a TapedeckError, the unreadable payload as invalid_event_data with its cause', async () => {
    const recorder = recorderFor(uniqueDb(), { strict: true, debug: false })
    expect(() => recorder.record('x.early', {})).toThrow(expect.objectContaining({ name: 'TapedeckError', code: 'no_active_session' }))
    await recorder.start()
    expect(() => recorder.record('x.getter', unreadable().getter)).toThrow(expect.objectContaining({ code: 'invalid_event_data', cause: bug }))
    expect(() => recorder.snapshot(undefined as never)).toThrow(expect.objectContaining({ code: 'invalid_event_data' }))
    await recorder.close()
    await expect(recorder.consent.grant()).rejects.toMatchObject({ code: 'recorder_closed' })
  })
})
