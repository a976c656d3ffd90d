// `@tapedeck/core/realtime`: recording realtime voice sessions (OpenAI Realtime over WebRTC or
// WebSocket, any WebRTC call). A subpath of its own, so a page without voice pays nothing for it.
export { recordRealtime, type RealtimeConnection, type RealtimeRecorder, type RealtimeRecording, type RecordRealtimeOptions } from './recordRealtime'
export { recordRealtimeEvents, type RealtimeEventsRecording } from './recordRealtimeEvents'
export { createRealtimeFolder, type RealtimeFolder, type RealtimeFolderOptions } from './RealtimeFolder'
export { priceRealtimeUsage, readRealtimeUsage, type RealtimeCost, type RealtimeUsage } from './realtimeUsage'
export { recordPeerConnection, MIN_STATS_INTERVAL_MS, type PeerConnectionRecording, type RecordPeerConnectionOptions } from './recordPeerConnection'
export { readRtcQuality, type RtcCounters, type RtcQuality } from './readRtcQuality'
export { wavHeader, WAV_HEADER_BYTES } from './encodeWav'
