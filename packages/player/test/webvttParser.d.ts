// Types for the parts of `webvtt-parser` (the W3C's WebVTT validator, a dev dependency) the transcript tests use.
declare module 'webvtt-parser' {
  export interface WebVttNode {
    type: 'object' | 'text' | 'timestamp'
    name?: string
    value?: string
    children?: WebVttNode[]
  }
  export interface WebVttCue {
    id: string
    startTime: number
    endTime: number
    text: string
    tree: { children: WebVttNode[] }
  }
  export interface WebVttError {
    message: string
    line: number
    col?: number
  }
  export class WebVTTParser {
    /** `entities`: the character references to decode (the package's `html-entities.json` for all of HTML's). */
    constructor(entities?: Record<string, string>)
    parse(input: string, mode?: 'metadata' | 'chapters'): { cues: WebVttCue[]; errors: WebVttError[] }
  }
}
