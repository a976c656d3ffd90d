/**
 * Audio types MediaRecorder is asked for, best first: Opus in WebM (Chromium, Firefox, Safari
 * 18.4+), AAC in MP4 (older Safari), Opus in Ogg (older Firefox).
 */
export const AUDIO_MIME_TYPES = [
  'audio/webm;codecs=opus',
  'audio/webm',
  'audio/mp4;codecs=mp4a.40.2',
  'audio/mp4',
  'audio/ogg;codecs=opus',
] as const

/**
 * The type to record in: `preferred` when the browser can record it, else the first of
 * {@link AUDIO_MIME_TYPES} it can. `''` lets the browser choose (a MediaRecorder without
 * `isTypeSupported`); `null` means it can record none of them.
 */
export function chooseMimeType(isTypeSupported: ((type: string) => boolean) | undefined, preferred?: string): string | null {
  if (typeof isTypeSupported !== 'function') return preferred ?? ''
  const candidates = preferred ? [preferred, ...AUDIO_MIME_TYPES] : AUDIO_MIME_TYPES
  for (const type of candidates) {
    try {
      if (isTypeSupported(type)) return type
    } catch {
      // A browser that throws for a type it does not know cannot record it either.
    }
  }
  return null
}
