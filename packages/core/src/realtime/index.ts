// `@tapedeck/core/realtime`: recording realtime voice sessions (OpenAI Realtime over WebRTC).
// A subpath of its own, so a page without voice pays nothing for it.
export { recordRealtime, type RealtimeRecorder, type RealtimeRecording, type RecordRealtimeOptions } from './recordRealtime'
export { createRealtimeFolder, type RealtimeFolder, type RealtimeFolderOptions } from './RealtimeFolder'
export { priceRealtimeUsage, readRealtimeUsage, type RealtimeCost, type RealtimeUsage } from './realtimeUsage'
