/**
 * An incremental parser for `text/event-stream` (the WHATWG HTML "server-sent events" format),
 * fed with decoded text as it arrives. Used to read a copy of an LLM stream without touching
 * the app's own reader.
 */

export interface SseEvent {
  /** The `event:` field; `undefined` when the server sent none (the spec's default, "message"). */
  event: string | undefined
  /** The `data:` lines joined with `\n`. */
  data: string
  id: string | undefined
}

export interface SseParser {
  /** Feeds the next piece of text; lines may be split anywhere, even between `\r` and `\n`. */
  push(text: string): void
  /**
   * The stream ended. An event whose blank line never came is dispatched too when it has data
   * (some servers omit the last blank line); a cut-off JSON line then simply fails to parse.
   */
  end(): void
}

export function createSseParser(onEvent: (event: SseEvent) => void): SseParser {
  let buffer = ''
  let afterCR = false
  let data: string[] = []
  let event: string | undefined
  let id: string | undefined

  const dispatch = () => {
    if (data.length > 0) onEvent({ event, data: data.join('\n'), id })
    data = []
    event = undefined
  }

  const line = (text: string) => {
    if (text === '') return dispatch()
    if (text.charCodeAt(0) === 58 /* : */) return // comment
    const colon = text.indexOf(':')
    const field = colon === -1 ? text : text.slice(0, colon)
    let value = colon === -1 ? '' : text.slice(colon + 1)
    if (value.charCodeAt(0) === 32 /* space */) value = value.slice(1)
    if (field === 'data') data.push(value)
    else if (field === 'event') event = value
    else if (field === 'id' && !value.includes('\0')) id = value
    // `retry` and unknown fields are ignored.
  }

  return {
    push(text) {
      if (text === '') return
      if (afterCR && text.charCodeAt(0) === 10) text = text.slice(1) // the \n of a \r\n split across pushes
      afterCR = false
      buffer += text
      let start = 0
      for (let i = 0; i < buffer.length; i++) {
        const code = buffer.charCodeAt(i)
        if (code !== 10 && code !== 13) continue
        line(buffer.slice(start, i))
        if (code === 13) {
          if (i + 1 === buffer.length) afterCR = true
          else if (buffer.charCodeAt(i + 1) === 10) i++
        }
        start = i + 1
      }
      buffer = buffer.slice(start)
    },
    end() {
      if (buffer !== '') line(buffer)
      buffer = ''
      dispatch()
    },
  }
}
