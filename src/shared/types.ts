/**
 * The id of a registered search space ('nb201', 'nb101', 'nbnlp', or one added later). Not a closed
 * union: the main process's registry (core/spaces/registry.ts) is the list, checked at every
 * boundary (CLI options, API schemas); the renderer asks for it on `spaces:list`.
 */
export type SpaceId = string

/**
 * Datasets: the image ones fix the class count and the image size; 'ptb' (Penn Treebank) is
 * NAS-Bench-NLP's text; 'custom' is the input of an imported space whose model input matches no
 * image dataset (its shape comes from the model, and it has no real images).
 */
export type DatasetId = 'cifar10' | 'cifar100' | 'ImageNet16-120' | 'ptb' | 'custom'

/** Minibatch sources that need no download (metric.md section 3). */
/** 'real': training images of the dataset, installed with `epsinas data` (chosen by the input seed). */
export type InputSource = 'grey' | 'normal' | 'uniform' | 'uniform-pos' | 'real'

/** `collapsed`: width-collapse rewrite on our own kernels (WebAssembly SIMD, TypeScript reference); `full`: full-width network on TensorFlow.js. */
export type EngineId = 'collapsed' | 'full'

/** Execution backends a user can ask for; `auto` picks the best one available. */
// `tfjs-webgpu`: only the desktop app's GPU workers (jobs:start-gpu); score/proxies in Node cannot ask for it.
export type BackendId = 'auto' | 'ts' | 'tfjs-wasm' | 'tfjs-cpu' | 'tfjs-node' | 'tfjs-node-gpu' | 'tfjs-webgpu'

/** The two constant shared weights of one epsilon score. */
export type WeightPair = readonly [number, number]

/** Everything that changes a score except the architecture itself: the cache key minus the arch id. */
export interface ScoreConfig {
  space: SpaceId
  dataset: DatasetId
  input: InputSource
  /** Seed of the minibatch (ignored by the deterministic grey source but still part of the key). */
  inputSeed: number
  batchSize: number
  weights: WeightPair
  engine: EngineId
}

/** Why a score is NaN; stored beside the NULL so NaN is never silent. */
export type NanReason =
  | 'outputs-constant'
  | 'outputs-nonfinite'
  | 'no-entries-left'
  | 'zero-mean'

/** One scored architecture. `epsilon` is null exactly when the score is NaN. */
export interface ScoreResult {
  arch: string
  epsilon: number | null
  nanReason: NanReason | null
  /** Milliseconds spent computing it (0 when it came from the cache or from a duplicate). */
  ms: number
}

/** Dataset facts fixed by NAS-Bench-201. */
export const DATASETS: Record<DatasetId, { classes: number; imageSize: number }> = {
  cifar10: { classes: 10, imageSize: 32 },
  cifar100: { classes: 100, imageSize: 32 },
  'ImageNet16-120': { classes: 120, imageSize: 16 },
  // Text: `classes` is the vocabulary (the language model's output width); there is no image.
  ptb: { classes: 10_000, imageSize: 0 },
  // An imported network's own input: the space gives the shape (SearchSpace.inputShape); no labels.
  custom: { classes: 0, imageSize: 0 },
}
