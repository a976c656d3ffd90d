/**
 * tapedeck-audio.js, a sibling of the script-tag file: audio capture, loaded by tapedeck.js from
 * beside it on the first `recorder.audio.start()` (see ../loadSibling.ts).
 */
export { createAudioCapture } from '../../../../core/src/audio/createAudioCapture'
