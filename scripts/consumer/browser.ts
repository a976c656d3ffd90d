// What a browser app sees of the published packages, typechecked by scripts/checkPackages.mjs
// against the unpacked tarballs under each `moduleResolution` (bundler, node16, nodenext, node10).
// Each line marked @ts-expect-error is an error only while the type behind it is real: were an
// import to resolve to `any` (a declaration file importing `./x` where Node needs `./x.js`, a
// subpath node10 cannot find), the mark would be unused, and tsc reports an unused mark as an
// error. `// @package` names whose line follows, for the report.
import { createRecorder, TapedeckError, type Recorder, type RecorderStatus, type SessionRecord } from '@tapedeck/core'
import { createInstrumentedFetch, computeCost } from '@tapedeck/core/instrument'
import { loadRecording, ReplayPlayer, computeStats, toCsv, type Recording } from '@tapedeck/player'
import { serveEngine } from '@tapedeck/core/engine'
import { recordRealtime } from '@tapedeck/core/realtime'
import { useSessionRecording, ReplayViewer, RecorderProvider } from '@tapedeck/react'
import { useRecordings } from '@tapedeck/react/query'
import { init, TapedeckRecorderElement } from '@tapedeck/widget'
import '@tapedeck/widget/define' // a side effect: resolved because of noUncheckedSideEffectImports

// @package @tapedeck/core

// @ts-expect-error not a function of the recorder
createRecorder.notThere
// @ts-expect-error options are an object
createRecorder('options')
// @ts-expect-error a code is a string
new TapedeckError(42)
declare const recorder: Recorder
// @ts-expect-error a recorder has no such method
recorder.notThere()
declare const status: RecorderStatus
// @ts-expect-error a status has no such field
status.notThere
declare const session: SessionRecord
// @ts-expect-error a session record has no such field
session.notThere
// @ts-expect-error no such member
createInstrumentedFetch.notThere
// @ts-expect-error no such member
computeCost.notThere
// @ts-expect-error no such member
serveEngine.notThere
// @ts-expect-error a connection is an RTCPeerConnection
recordRealtime(recorder, 'not a connection')
// @package @tapedeck/player
// @ts-expect-error no such member
loadRecording.notThere
// @ts-expect-error no such member
ReplayPlayer.notThere
// @ts-expect-error no such member
computeStats.notThere
// @ts-expect-error no such member
toCsv.notThere
declare const recording: Recording
// @ts-expect-error a recording has no such field
recording.notThere
// @package @tapedeck/react
// @ts-expect-error no such member
useSessionRecording.notThere
// @ts-expect-error no such member
ReplayViewer.notThere
// @ts-expect-error no such member
RecorderProvider.notThere
// @ts-expect-error no such member
useRecordings.notThere
// @package @tapedeck/widget
// @ts-expect-error no such member
init.notThere
// @ts-expect-error no such member
TapedeckRecorderElement.notThere
