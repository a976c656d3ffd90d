/**
 * tapedeck-erasure.js, a sibling of the script-tag file: withdrawing consent and erasure, loaded
 * by tapedeck.js from beside it on the first `consent.withdraw()` or `erase()` (see
 * ../loadSibling.ts). Few pages call them; an npm build loads the same code as a lazy chunk.
 */
export { eraseSessions, withdrawConsent } from '../../../../core/src/client/erasure'
