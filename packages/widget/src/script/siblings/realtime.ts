/**
 * tapedeck-realtime.js, a sibling of the script-tag file: realtime voice recording
 * (`recordRealtime`, `recordPeerConnection`), loaded by tapedeck.js from beside it on the first
 * `Tapedeck.recordRealtime()` or `Tapedeck.recordPeerConnection()` (see ../loadSibling.ts).
 */
export { recordPeerConnection, recordRealtime } from '@tapedeck/core/realtime'
