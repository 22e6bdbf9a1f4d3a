/** The Runs page's form: its fields, defaults and the request they make (pure). */
import type { StartScoreRequest } from '../../../shared/api.ts'
import { DEFAULT_WEIGHTS, SPACE_DATASETS, type BackendId, type DatasetId, type EngineId, type InputSource, type SpaceId } from '../../../shared/types.ts'

/** Where the weight pair comes from. */
export type WeightMode = 'default' | 'automatic' | 'custom'

/** The form's fields. */
export interface RunForm {
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

/** Defaults: the paper's NB201 setting on a small sample. */
export function defaultRunForm(): RunForm {
  return {
    space: 'nb201',
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

/** Names of the search spaces for people, in the order offered. */
export const SPACE_LABELS: Record<SpaceId, string> = { nb201: 'NAS-Bench-201', nb101: 'NAS-Bench-101', nbnlp: 'NAS-Bench-NLP' }

/** Minibatch sources for people. */
export const INPUT_LABELS: Record<InputSource, string> = {
  grey: 'grey (constant)',
  normal: 'normal noise',
  uniform: 'uniform noise',
  'uniform-pos': 'uniform positive',
  real: 'real images/text (installed dataset)',
}

/** Datasets offered for a space. */
export function datasetsFor(space: SpaceId): readonly DatasetId[] {
  return SPACE_DATASETS[space]
}

/** The request, or the reason it cannot be made yet. */
export function buildStartRequest(form: RunForm, automatic: readonly [number, number] | null): { ok: true; request: StartScoreRequest } | { ok: false; reason: string } {
  let weights: [number, number]
  if (form.weightMode === 'automatic') {
    if (!automatic) return { ok: false, reason: 'No automatic pair yet: run a sweep on the Weights page and use its automatic choice.' }
    weights = [automatic[0], automatic[1]]
  } else if (form.weightMode === 'custom') {
    if (!(form.customLow > 0 && form.customHigh > 0)) return { ok: false, reason: 'Both weights must be positive numbers.' }
    weights = [form.customLow, form.customHigh]
  } else {
    weights = [...DEFAULT_WEIGHTS[form.space]] as [number, number]
  }
  const request: StartScoreRequest = {
    space: form.space,
    dataset: datasetsFor(form.space).includes(form.dataset) ? form.dataset : datasetsFor(form.space)[0],
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
