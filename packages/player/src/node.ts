// `@tapedeck/player/node`: what needs Node's file system — recordings from a folder, and the
// `tapedeck eval` command as a function.
export { loadRecordingsFromDir, RECORDING_EXTENSIONS } from './load/loadRecordingsFromDir'
export { loadRecordings } from './load/loadRecordings'
export { loadChecks } from './cli/loadChecks'
export { runCli, USAGE, type CliIo } from './cli/runCli'
