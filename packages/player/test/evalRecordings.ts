/**
 * The evaluation tests' three recordings, made by the real recorder in Chromium — the playground's
 * chat against the mock LLM — with `node scripts/recordEvalFixtures.mjs`, which wrote them here:
 * `s_good` passes every check, `s_slow` (agent `support@2`) has calls over a 1 s budget,
 * `s_wrong_tool` calls cancelOrder instead of lookupOrder; and the three-turn conversation the
 * replay tests re-run.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { TapedeckEvent } from '@tapedeck/core'
import { loadRecording } from '../src/load/loadRecording'
import type { Recording } from '../src/recording/Recording'

/** The three recordings' folder (what `tapedeck eval <dir>` reads in the CLI tests). */
export const RECORDINGS_DIR = fileURLToPath(new URL('./recordings/eval/', import.meta.url))
/** The conversation replaySession re-runs. */
export const CONVERSATION_FILE = fileURLToPath(new URL('./recordings/replay/s_conversation.jsonl', import.meta.url))
export const EVAL_SESSIONS = ['s_good', 's_slow', 's_wrong_tool'] as const

/** Each recording's events, in the order of EVAL_SESSIONS. */
export function evalEvents(): TapedeckEvent[][] {
  return EVAL_SESSIONS.map((id) =>
    readFileSync(`${RECORDINGS_DIR}${id}.jsonl`, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as TapedeckEvent),
  )
}

/** Freshly loaded (no annotations yet), in the order of EVAL_SESSIONS. */
export function evalRecordings(): Promise<Recording[]> {
  return Promise.all(evalEvents().map((events) => loadRecording(events)))
}
