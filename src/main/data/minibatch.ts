/** Shape of an image minibatch: [N, C, H, W]. */
export type ImageBatchShape = readonly [number, number, number, number]

/** A minibatch ready for the network: NCHW float32 plus what the collapse pass may assume about it. */
export interface Minibatch {
  shape: ImageBatchShape
  data: Float32Array
  /** True when all channels of every image are identical (lets the collapse pass merge them). */
  channelsIdentical: boolean
  /** Stable description, part of the cache key (e.g. `grey`, `normal:seed=3`). */
  descriptor: string
}

/**
 * Where minibatches come from. Synthetic sources live in this folder; dataset readers (CIFAR,
 * ImageNet16-120, PTB) implement the same interface in a later module.
 */
export interface MinibatchSource {
  /** Identifier used on the command line and in the cache key. */
  readonly id: string
  /** Whether `seed` changes the batch (false for grey scale). */
  readonly seeded: boolean
  /** Builds the batch for `shape` from `seed`; same arguments, same bits. */
  load(shape: ImageBatchShape, seed: number): Minibatch | Promise<Minibatch>
}

const inputBounds = new WeakMap<Minibatch, number>()

/** Largest |x| of a minibatch: what ir/bound.ts's proofs of finiteness start from (computed once per batch). */
export function minibatchBound(batch: Minibatch): number {
  let bound = inputBounds.get(batch)
  if (bound === undefined) {
    bound = 0
    for (const x of batch.data) bound = Math.max(bound, Math.abs(x))
    inputBounds.set(batch, bound)
  }
  return bound
}
