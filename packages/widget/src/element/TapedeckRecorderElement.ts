import { createId, type Recorder } from '@tapedeck/core'
import { statusView, type StatusView } from './statusView'
import { STYLES } from './styles'

export type WidgetPosition = 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left'

/** What the `tapedeck-download` event carries; `preventDefault()` stops the browser's download. */
export interface DownloadDetail {
  sessionId: string
  blob: Blob
  filename: string
}

const TEMPLATE =
  '<div class=panel part=panel role=region aria-label="Session recorder">' +
  '<div class=row><button class=grip data-act=move aria-label="Move the recorder (arrow keys)">⋮⋮</button><span class=dot></span><span class=state role=status></span><button data-act=main></button><button data-act=mic>Mic</button><button data-act=mark aria-label="Mark this moment" aria-expanded=false>Mark</button><button data-act=download aria-label="Download this session">Save</button></div>' +
  '<div class="row note" data-part=note hidden></div>' +
  '<div class="row sync" data-part=sync role=status hidden><span></span><progress aria-label="Upload progress" hidden></progress><button data-act=retry hidden>Retry refused</button></div>' +
  '<div class="row error" data-part=error role=alert hidden><span></span><button data-act=dismiss aria-label="Dismiss the error">×</button></div>' +
  '<form class=row data-part=mark hidden><input aria-label="Comment for this moment (optional)" placeholder="What happened? (optional)" maxlength=500><button>Add mark</button></form>' +
  '<div class=row data-part=consent role=group aria-label="Recording consent" hidden><span data-part=ask><slot name=consent>This page can record this conversation to help improve the service.</slot></span><span data-part=ask-audio hidden>Record your microphone too?</span><button data-act=allow>Allow</button><button data-act=decline>Decline</button></div></div>'

// Loading this module must not fail where there is no DOM (a server render, the recorder's worker).
const Base: typeof HTMLElement = typeof HTMLElement === 'undefined' ? (class {} as unknown as typeof HTMLElement) : HTMLElement

const MOVE_STEP = 10

/**
 * One constructed stylesheet for every instance (Chrome 73, Firefox 101, Safari 16.4). Unlike a
 * `<style>` element, it is not refused by a Content-Security-Policy without `style-src 'unsafe-inline'`.
 */
let sheet: CSSStyleSheet | undefined

/**
 * `<tapedeck-recorder>`: a recorder's state and controls, in a Shadow DOM of its own. Give it a
 * recorder (`element.recorder = recorder`); it reads `subscribe()` / `getSnapshot()` and calls the
 * recorder's API. Attribute `position`: `bottom-right` (default), `bottom-left`, `top-right`,
 * `top-left`. Themed with `--tapedeck-*` custom properties (docs/widget.md).
 */
export class TapedeckRecorderElement extends Base {
  #recorder: Recorder | null = null
  #unsubscribe: (() => void) | undefined
  #root: ShadowRoot | undefined
  #view: StatusView | undefined
  /** The last session seen, so that it can still be downloaded once it has stopped. */
  #sessionId: string | null = null
  /** When the latest error the user dismissed happened. */
  #dismissedAt = 0
  /** The consent prompt on request: `audio` after a click on Mic, `session` after declining once. */
  #asking: 'session' | 'audio' | null = null
  /** Pending events when the current upload run began: the progress bar's length. */
  #uploadBase = 0

  get recorder(): Recorder | null {
    return this.#recorder
  }

  set recorder(recorder: Recorder | null) {
    if (recorder === this.#recorder) return
    this.#unsubscribe?.()
    this.#unsubscribe = undefined
    this.#recorder = recorder
    this.#sessionId = null
    if (this.isConnected) this.#listen()
  }

  connectedCallback(): void {
    if (!this.#root) this.#build()
    this.#listen()
  }

  disconnectedCallback(): void {
    this.#unsubscribe?.()
    this.#unsubscribe = undefined
  }

  /** Moves the widget by this many pixels, kept inside the viewport. */
  moveBy(dx: number, dy: number): void {
    const rect = this.getBoundingClientRect()
    const left = clamp(rect.left + dx, innerWidth - rect.width)
    const top = clamp(rect.top + dy, innerHeight - rect.height)
    Object.assign(this.style, { left: `${left}px`, top: `${top}px`, right: 'auto', bottom: 'auto' })
  }

  /**
   * Downloads the current (or last) session as NDJSON. A cancelable `tapedeck-download` event
   * with the Blob goes first, so a page can keep or send the file instead.
   */
  async download(): Promise<DownloadDetail | undefined> {
    const recorder = this.#recorder
    const sessionId = this.#sessionId
    if (!recorder || !sessionId) return undefined
    const blob = await recorder.sessions.export(sessionId, 'jsonl')
    const detail: DownloadDetail = { sessionId, blob, filename: `tapedeck-${sessionId}.jsonl` }
    if (this.dispatchEvent(new CustomEvent('tapedeck-download', { detail, bubbles: true, composed: true, cancelable: true }))) {
      const link = document.createElement('a')
      link.href = URL.createObjectURL(blob)
      link.download = detail.filename
      link.click()
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000)
    }
    return detail
  }

  #listen(): void {
    if (this.#recorder && !this.#unsubscribe) this.#unsubscribe = this.#recorder.subscribe(() => this.#render())
    this.#render()
  }

  #build(): void {
    const root = (this.#root = this.attachShadow({ mode: 'open' }))
    root.innerHTML = TEMPLATE
    if (!sheet) {
      sheet = new CSSStyleSheet()
      sheet.replaceSync(STYLES)
    }
    root.adoptedStyleSheets = [sheet]
    root.addEventListener('click', (event) => {
      const act = (event.target as Element).closest('[data-act]')?.getAttribute('data-act')
      if (act) this.#act(act)
    })
    const form = this.#part('mark') as HTMLFormElement
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      this.#mark(form.querySelector('input')!)
    })
    form.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.#toggleMark(false)
    })
    const grip = this.#button('move')
    grip.addEventListener('keydown', (event) => {
      const step = event.shiftKey ? MOVE_STEP * 5 : MOVE_STEP
      const delta = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[event.key]
      if (!delta) return
      event.preventDefault()
      this.moveBy(delta[0]!, delta[1]!)
    })
    grip.addEventListener('pointerdown', (down) => {
      grip.setPointerCapture(down.pointerId)
      let { clientX: x, clientY: y } = down
      // Aborted when the drag ends: both listeners go (the controller serves as their options: it has their `signal`).
      const dragging = new AbortController()
      grip.addEventListener(
        'pointermove',
        (event) => {
          this.moveBy(event.clientX - x, event.clientY - y)
          x = event.clientX
          y = event.clientY
        },
        dragging,
      )
      grip.addEventListener('lostpointercapture', () => dragging.abort(), dragging)
    })
  }

  #act(act: string): void {
    const recorder = this.#recorder
    const view = this.#view
    if (!recorder || !view) return
    // The recorder reports its own failures in its status, which the widget shows.
    const run = (work: () => unknown) => void (async () => work())().catch(() => undefined)
    const scopes = recorder.getSnapshot().consent.scopes
    switch (act) {
      case 'main':
        if (view.action === 'start') run(() => recorder.start())
        else if (view.action === 'pause') recorder.pause()
        else if (view.action === 'resume') recorder.resume()
        else if (view.action === 'ask') this.#ask('session')
        break
      case 'mic':
        if (view.mic.on) run(() => recorder.audio.stop('input'))
        else if (!scopes.audio) this.#ask('audio')
        else run(() => recorder.audio.start('microphone'))
        break
      case 'mark':
        this.#toggleMark(this.#part('mark').hidden)
        break
      case 'download':
        run(() => this.download())
        break
      case 'retry':
        // The user asked: now, not after the current backoff.
        run(async () => {
          await recorder.deadLetters.retry()
          await recorder.syncNow()
        })
        break
      case 'dismiss':
        this.#dismissedAt = view.error?.at ?? 0
        break
      case 'allow': {
        const asking = this.#asking
        run(async () => {
          await recorder.consent.grant(asking === 'audio' ? { ...scopes, audio: true } : undefined)
          if (asking === 'audio') await recorder.audio.start('microphone')
          if (asking === 'session' && recorder.getSnapshot().state === 'idle') await recorder.start()
        })
        this.#asking = null
        break
      }
      case 'decline':
        // Declining the microphone declines only the microphone.
        if (this.#asking !== 'audio') run(() => recorder.consent.withdraw())
        this.#asking = null
        break
    }
    this.#render()
  }

  #ask(what: 'session' | 'audio'): void {
    this.#asking = what
    this.#render()
    this.#button('allow').focus()
  }

  #toggleMark(open: boolean): void {
    this.#part('mark').hidden = !open
    this.#button('mark').setAttribute('aria-expanded', String(open))
    ;(open ? this.#part('mark').querySelector('input')! : this.#button('mark')).focus()
  }

  /** "Mark this moment": `annotation.added` as a checkpoint, with the comment when there is one. */
  #mark(input: HTMLInputElement): void {
    const comment = input.value.trim()
    try {
      this.#recorder?.record(
        'annotation.added',
        {
          annotationId: createId('ann_'),
          kind: comment ? 'comment' : 'label',
          key: 'moment',
          value: comment || 'marked',
          target: 'session',
        },
        { checkpoint: true },
      )
    } catch {
      // Only a `strict` recorder throws; the status says why either way.
    }
    input.value = ''
    this.#toggleMark(false)
  }

  #render(): void {
    const root = this.#root
    if (!root) return
    const status = this.#recorder?.getSnapshot()
    const view = status && statusView(status)
    this.#view = view
    if (status?.session) this.#sessionId = status.session.id
    root.querySelector<HTMLElement>('.panel')!.dataset.mode = view?.mode ?? 'idle'
    root.querySelector('.state')!.textContent = view?.label ?? 'No recorder'
    const recording = view?.mode === 'recording'

    const main = this.#button('main')
    main.textContent = view?.actionText ?? 'Record'
    main.setAttribute('aria-label', view?.actionLabel ?? 'Start recording')
    main.disabled = !view?.action

    const mic = this.#button('mic')
    mic.setAttribute('aria-pressed', String(!!view?.mic.on))
    mic.setAttribute('aria-label', view?.mic.label ?? 'Record the microphone')
    mic.disabled = !recording || !!view?.mic.busy
    this.#show('note', view?.mic.note ? `Microphone: ${view.mic.note}` : '')

    this.#button('mark').disabled = !recording
    if (!recording) this.#part('mark').hidden = true
    this.#button('download').disabled = !this.#sessionId || view?.mode === 'consent'

    const sync = view?.sync
    const syncPart = this.#show('sync', sync?.text ?? '')
    if (sync) {
      syncPart.dataset.tone = sync.tone
      const progress = syncPart.querySelector('progress')!
      this.#uploadBase = sync.uploading ? Math.max(this.#uploadBase, sync.pending) : 0
      progress.max = Math.max(1, this.#uploadBase)
      progress.value = this.#uploadBase - sync.pending
      progress.hidden = !sync.uploading
      this.#button('retry').hidden = sync.deadLetters === 0
    }

    const error = view?.error
    this.#show('error', error && error.at > this.#dismissedAt ? `${error.message} (${error.code})` : '')

    const asking = this.#asking ?? (view?.mode === 'consent' ? 'session' : null)
    this.#part('consent').hidden = !asking
    this.#part('ask').hidden = asking === 'audio'
    this.#part('ask-audio').hidden = asking !== 'audio'
  }

  /** Sets a part's text (its first span's, if it has one) and shows it only when there is text. */
  #show(name: string, text: string): HTMLElement {
    const part = this.#part(name)
    const target = part.querySelector('span') ?? part
    if (target.textContent !== text) target.textContent = text
    part.hidden = !text
    return part
  }

  #part(name: string): HTMLElement {
    return this.#root!.querySelector<HTMLElement>(`[data-part="${name}"]`)!
  }

  #button(act: string): HTMLButtonElement {
    return this.#root!.querySelector<HTMLButtonElement>(`[data-act="${act}"]`)!
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tapedeck-recorder': TapedeckRecorderElement
  }
}

function clamp(value: number, max: number): number {
  return Math.max(0, Math.min(value, max))
}
