import { createRecorder, isTapedeckError } from '@tapedeck/core'

// `npm start` runs the reference server next to the playground and says where it is.
const endpoint = import.meta.env.VITE_TAPEDECK_ENDPOINT as string | undefined
const recorder = createRecorder(endpoint ? { endpoint } : {})
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T

recorder.subscribe(() => {
  $('status').textContent = JSON.stringify(recorder.getSnapshot(), null, 2)
})
$('status').textContent = JSON.stringify(recorder.getSnapshot(), null, 2)

async function showSessions() {
  const { sessions } = await recorder.sessions.list({ limit: 10 })
  $('sessions').textContent = sessions
    .map((s) => `${s.id}  ${s.status.padEnd(11)} ${String(s.counters.events).padStart(5)} events  ${new Date(s.startedAt).toLocaleString()}`)
    .join('\n') || '(none yet)'
}

function guard(action: () => unknown) {
  return async () => {
    try {
      await action()
    } catch (error) {
      alert(isTapedeckError(error) ? `${error.code}: ${error.message}` : String(error))
    }
    await showSessions()
  }
}

$('start').onclick = guard(() => recorder.start({ userId: 'playground-user', feature: 'demo', label: 'Playground chat' }))
$('pause').onclick = guard(() => recorder.pause())
$('resume').onclick = guard(() => recorder.resume())
$('stop').onclick = guard(() => recorder.stop())
$('export').onclick = guard(async () => {
  const id = recorder.getSnapshot().session?.id ?? (await recorder.sessions.list({ limit: 1 })).sessions[0]?.id
  if (!id) return
  const link = Object.assign(document.createElement('a'), { href: URL.createObjectURL(await recorder.sessions.export(id)), download: `${id}.jsonl` })
  link.click()
})

$<HTMLFormElement>('chat').onsubmit = (event) => {
  event.preventDefault()
  const input = $<HTMLInputElement>('message')
  const text = input.value.trim()
  if (!text) return
  input.value = ''
  void guard(async () => {
    const callId = crypto.randomUUID()
    recorder.record('message.created', { messageId: crypto.randomUUID(), role: 'user', content: text })
    recorder.record('provider.call.started', { callId, provider: 'mock', model: 'echo-1', messages: [{ role: 'user', content: text }] })
    const started = performance.now()
    await new Promise((resolve) => setTimeout(resolve, 300))
    const reply = `You said: ${text}`
    recorder.record('provider.call.completed', {
      callId,
      model: 'echo-1',
      response: reply,
      usage: { inputTokens: text.split(/\s+/).length, outputTokens: reply.split(/\s+/).length },
      costUsd: 0,
      latencyMs: Math.round(performance.now() - started),
      finishReason: 'stop',
    })
    recorder.record('message.created', { messageId: crypto.randomUUID(), role: 'assistant', content: reply })
  })()
}

void showSessions()
