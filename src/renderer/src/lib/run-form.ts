/** The Runs page's form: its fields, defaults and the request they make (pure). */
import type { SpaceView, StartScoreRequest } from '../../../shared/api.ts'
import type { BackendId, DatasetId, EngineId, InputSource, SpaceId } from '../../../shared/types.ts'

/** Where the weight pair comes from. */
export type WeightMode = 'default' | 'automatic' | 'custom'

/** The form's fields. */
export interface RunForm {
  /** '' until the spaces are listed: the first listed space (the default). */
  space: SpaceId
  dataset: DatasetId
  input: InputSource
  inputSeed: number
  batchSize: number
  weightMode: WeightMode
  customLow: number
  customHigh: number
  engine: EngineId
  backend: BackendId
  selection: 'sample' | 'all'
  sampleSize: number
  sampleSeed: number
}

/** Defaults: the paper's setting of the default space (the first listed) on a small sample. */
export function defaultRunForm(): RunForm {
  return {
    space: '',
    dataset: 'cifar10',
    input: 'grey',
    inputSeed: 0,
    batchSize: 256,
    weightMode: 'default',
    customLow: 1e-7,
    customHigh: 1,
    engine: 'collapsed',
    backend: 'auto',
    selection: 'sample',
    sampleSize: 100,
    sampleSeed: 0,
  }
}

/** Minibatch sources for people. */
export const INPUT_LABELS: Record<InputSource, string> = {
  grey: 'grey (constant)',
  normal: 'normal noise',
  uniform: 'uniform noise',
  'uniform-pos': 'uniform positive',
  real: 'real images/text (installed dataset)',
}

/** The listed space a form names; '' (or an id no longer listed) is the first listed, the default. Null until the list arrives. */
export function spaceOf(spaces: readonly SpaceView[], id: SpaceId): SpaceView | null {
  return spaces.find((space) => space.id === id) ?? spaces[0] ?? null
}

/** Datasets offered for a space (none until the spaces are listed). */
export function datasetsFor(spaces: readonly SpaceView[], id: SpaceId): readonly DatasetId[] {
  return spaceOf(spaces, id)?.datasets ?? []
}

/**
 * A form's space and dataset made valid for the listed spaces: its space when listed, else the
 * default; its dataset when the space is defined on it, else the space's first. Unchanged until
 * the list arrives.
 */
export function listedChoice(spaces: readonly SpaceView[], choice: { space: SpaceId; dataset: DatasetId }): { space: SpaceId; dataset: DatasetId } {
  const space = spaceOf(spaces, choice.space)
  if (!space) return choice
  return { space: space.id, dataset: space.datasets.includes(choice.dataset) ? choice.dataset : space.datasets[0] }
}

/** The request, or the reason it cannot be made yet. */
export function buildStartRequest(
  form: RunForm,
  automatic: readonly [number, number] | null,
  spaces: readonly SpaceView[],
): { ok: true; request: StartScoreRequest } | { ok: false; reason: string } {
  const space = spaceOf(spaces, form.space)
  if (!space) return { ok: false, reason: 'Loading the search spaces…' }
  let weights: [number, number]
  if (form.weightMode === 'automatic') {
    if (!automatic) return { ok: false, reason: 'No automatic pair yet: run a sweep on the Weights page and use its automatic choice.' }
    weights = [automatic[0], automatic[1]]
  } else if (form.weightMode === 'custom') {
    if (!(form.customLow > 0 && form.customHigh > 0)) return { ok: false, reason: 'Both weights must be positive numbers.' }
    weights = [form.customLow, form.customHigh]
  } else {
    weights = [space.defaultWeights[0], space.defaultWeights[1]]
  }
  const request: StartScoreRequest = {
    ...listedChoice(spaces, form),
    input: form.input,
    inputSeed: form.inputSeed,
    batchSize: form.batchSize,
    weights,
    engine: form.engine,
    archs: form.selection === 'all' ? { kind: 'all' } : { kind: 'sample', limit: form.sampleSize, seed: form.sampleSeed },
  }
  if (form.engine === 'full') request.backend = form.backend
  return { ok: true, request }
}
