/**
 * tapedeck-llm.js, a sibling of the script-tag file: LLM call capture (`instrumentFetch`), loaded
 * by tapedeck.js from beside it when `llm` capture is asked for (see ../loadSibling.ts).
 */
export { instrumentFetch } from '@tapedeck/core/instrument'
