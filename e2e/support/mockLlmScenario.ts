// The mock LLM's request side (e2e/support/mockLlm.ts): the behaviour a request's `key=value` path
// segments choose, which API its path is, and the small helpers every part of the mock uses.

export interface Scenario {
  headersMs: number
  ttftMs: number
  gapMs: number
  cut?: number
  status?: number
  tool?: boolean | string
  clientTool?: boolean
  cost?: number
  cached?: number
  reasoning?: number
  model?: string
  reply?: string
  tag?: string
}

export type Api = 'openai.chat' | 'openai.responses' | 'anthropic.messages' | 'ai-sdk.chat'
export type Json = Record<string, unknown>

export const CREATED = 1_735_689_600 // 2025-01-01T00:00:00Z: answers are the same every time
export const DEFAULT_MODEL: Record<Api, string> = {
  'openai.chat': 'gpt-4o-mini',
  'openai.responses': 'gpt-4o-mini',
  'anthropic.messages': 'claude-3-5-haiku-latest',
  'ai-sdk.chat': 'gpt-4o-mini',
}

// — helpers —

export const sleep = (ms: number) => (ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve())

export function hash(text: string): string {
  // FNV-1a, 2 × 32 bits: ids that only depend on the request.
  let a = 0x811c9dc5
  let b = 0x01000193
  for (let i = 0; i < text.length; i++) {
    a = Math.imul(a ^ text.charCodeAt(i), 0x01000193)
    b = Math.imul(b ^ text.charCodeAt(i), 0x85ebca6b)
  }
  return ((a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0')).slice(0, 16)
}

export const obj = (value: unknown): Json | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined)
export const arr = (value: unknown): unknown[] => (Array.isArray(value) ? value : [])
export const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

export function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  return arr(content)
    .map((part) => str(obj(part)?.text) ?? '')
    .filter(Boolean)
    .join('\n')
}

export function parseScenario(segments: string[], defaults: Partial<Scenario>): Scenario {
  const scenario: Scenario = { headersMs: 0, ttftMs: 0, gapMs: 0, ...defaults }
  for (const segment of segments) {
    const [key, raw = ''] = decodeURIComponent(segment).split(/=(.*)/s)
    const n = Number(raw)
    switch (key) {
      case 'headers':
      case 'delay':
        scenario.headersMs = n
        break
      case 'ttft':
        scenario.ttftMs = n
        break
      case 'gap':
        scenario.gapMs = n
        break
      case 'cut':
        scenario.cut = n
        break
      case 'status':
        scenario.status = n
        break
      case 'tool':
        scenario.tool = raw === '0' || raw === 'false' ? false : raw === '1' || raw === 'true' || raw === '' ? true : raw
        break
      case 'clientTool':
        scenario.clientTool = raw !== '0' && raw !== 'false'
        break
      case 'cost':
        scenario.cost = n
        break
      case 'cached':
        scenario.cached = n
        break
      case 'reasoning':
        scenario.reasoning = n
        break
      case 'model':
        scenario.model = raw
        break
      case 'reply':
        scenario.reply = raw
        break
      case 'tag':
        scenario.tag = raw
        break
    }
  }
  return scenario
}

export function detect(path: string): Api | undefined {
  if (path.endsWith('/chat/completions')) return 'openai.chat'
  if (path.endsWith('/responses')) return 'openai.responses'
  if (path.endsWith('/messages')) return 'anthropic.messages'
  if (path === '/api/chat') return 'ai-sdk.chat'
  return undefined
}
