/**
 * The widget's whole stylesheet, inside its shadow root: no selector gets out, and `all: initial`
 * on the host and the panel stops the page's inherited styles (font, colour, letter-spacing…)
 * from getting in. Only the `--tapedeck-*` custom properties cross, on purpose: they theme it.
 */
export const STYLES =
  ':host{all:initial;position:fixed;right:16px;bottom:16px;z-index:var(--tapedeck-z-index,2147483000);display:block}' +
  ':host([position$=left]){right:auto;left:16px}' +
  ':host([position^=top]){bottom:auto;top:16px}' +
  ':host([hidden]){display:none}' +
  '.panel{all:initial;display:flex;flex-direction:column;gap:6px;box-sizing:border-box;max-width:min(380px,calc(100vw - 32px));padding:6px 8px;font:13px/1.4 var(--tapedeck-font,system-ui,sans-serif);color:var(--tapedeck-fg,#f0f3f6);background:var(--tapedeck-bg,#1f2328);border-radius:var(--tapedeck-radius,10px);box-shadow:var(--tapedeck-shadow,0 4px 16px rgb(0 0 0/.3))}' +
  '.row{display:flex;align-items:center;gap:6px;flex-wrap:wrap}' +
  '[hidden]{display:none!important}' +
  'button,input{all:unset;box-sizing:border-box;border-radius:6px;padding:2px 8px}' +
  'button{cursor:pointer;background:var(--tapedeck-button-bg,rgb(255 255 255/.1));white-space:nowrap}' +
  'button:hover{filter:brightness(1.3)}' +
  'button:disabled{opacity:.45;cursor:default}' +
  'button[aria-pressed=true]{background:var(--tapedeck-accent,#e5484d)}' +
  'input{flex:1;min-width:8em;background:rgb(255 255 255/.92);color:#111}' +
  ':focus-visible{outline:2px solid var(--tapedeck-focus,#4ea1ff);outline-offset:1px}' +
  '.grip{cursor:move;padding:2px 4px;background:none;letter-spacing:-2px}' +
  '.dot{width:9px;height:9px;border-radius:50%;background:var(--tapedeck-muted,#8b949e)}' +
  '[data-mode=recording] .dot{background:var(--tapedeck-accent,#e5484d);animation:pulse 1.6s infinite}' +
  '@media (prefers-reduced-motion:reduce){.dot{animation:none!important}}' +
  '@keyframes pulse{50%{opacity:.35}}' +
  '.state{font-weight:600;margin-right:auto}' +
  '[data-mode=consent] .row:first-child button:not(.grip){display:none}' +
  '.row>span:first-child{flex:1}' +
  '.sync,.note{font-size:12px;opacity:.9}' +
  '[data-tone=offline]{color:var(--tapedeck-warning,#e3b341)}' +
  '[data-tone=error],.error{color:var(--tapedeck-error,#ff7b72)}' +
  'progress{width:60px;height:6px;accent-color:var(--tapedeck-focus,#4ea1ff)}'
