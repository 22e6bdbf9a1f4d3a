import type { TfjsBackendId } from '../backends/tfjs/runtime.ts'
import type { BackendId, EngineId } from '../../../shared/types.ts'
import { EpsinasError } from '../../../shared/errors.ts'

/**
 * Bumped whenever a change to the networks, kernels or the metric could change a stored score, so
 * that cached scores from an older engine are never served as current ones.
 */
export const ENGINE_VERSION = 1

/** An engine and the backend that executes it. The collapsed engine runs on the typed-array kernels only. */
export type EngineChoice = { engine: 'collapsed'; backend: 'ts' } | { engine: 'full'; backend: 'ts' | TfjsBackendId }

/**
 * Version of the TensorFlow.js execution on top of ENGINE_VERSION, bumped when only the tfjs path
 * changes, so the typed-array engines' caches stay valid. 2: max pooling keeps NaN (tf.maxPool
 * dropped it), so a full-width tfjs score from before may have been finite where it is NaN.
 */
const TFJS_REVISION = 2

/** Cache-key text of an engine choice, e.g. `collapsed/ts@1`, `full/tfjs-wasm@1.2`. */
export function engineKey(choice: EngineChoice): string {
  return `${choice.engine}/${choice.backend}@${ENGINE_VERSION}${choice.backend === 'ts' ? '' : `.${TFJS_REVISION}`}`
}

/**
 * Checks an engine/backend request before anything runs. `auto` means ts for the collapsed engine;
 * for the full engine it is resolved later by loading TensorFlow.js (returned as 'auto' here).
 */
export function checkEngineRequest(engine: EngineId, backend: BackendId): { engine: EngineId; backend: BackendId } {
  if (engine === 'collapsed' && backend !== 'auto' && backend !== 'ts') {
    throw new EpsinasError(
      'BAD_ARGUMENT',
      `the collapsed engine runs on the ts backend only (got --backend ${backend}); use --engine full to run on TensorFlow.js`,
    )
  }
  return { engine, backend: engine === 'collapsed' ? 'ts' : backend }
}
