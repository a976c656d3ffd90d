/** Inline SVG glyphs for the viewer's buttons: they render the same whether or not an emoji or symbol font is installed. */
const PATHS = {
  play: 'M7 4v16l13-8z',
  pause: 'M7 4h4v16H7zM14 4h4v16h-4z',
  previous: 'M18 5l-9 7 9 7zM6 5v14',
  next: 'M6 5l9 7-9 7zM18 5v14',
} as const

export type ViewerIconName = keyof typeof PATHS

/** Decorative: the button that holds it has the label. */
export function ViewerIcon({ name }: { name: ViewerIconName }) {
  return (
    <svg className="tapedeck-icon" width="16" height="16" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} />
    </svg>
  )
}
