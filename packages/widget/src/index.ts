export { TapedeckRecorderElement, type DownloadDetail, type WidgetPosition } from './element/TapedeckRecorderElement'
export { defineRecorderElement } from './element/defineRecorderElement'
export { statusView, type StatusView, type SyncView } from './element/statusView'
export { init, destroy, type InitOptions, type AutoCaptureInit } from './script/init'
