/**
 * tapedeck-capture.js, a sibling of the script-tag file: sampling, on-error mode, the recorder's
 * autoCapture (console, network, socket, context, vitals) and propagate (docs/capture.md), loaded
 * by tapedeck.js from beside it on the first `start()` of a recorder that sets one of them (see
 * ../loadSibling.ts). An npm build loads the same code as a lazy chunk.
 */
export { startCapture } from '../../../../core/src/capture/startCapture'
