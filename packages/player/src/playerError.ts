import { TapedeckError, type TapedeckErrorCode } from '@tapedeck/core'

/** Codes the player throws are core's (`invalid_recording`, `load_failed`, `blob_not_found`…). */
export type PlayerErrorCode = TapedeckErrorCode

export function playerError(code: PlayerErrorCode, message: string, cause?: unknown): TapedeckError {
  return new TapedeckError(code, message, cause === undefined ? undefined : { cause })
}
