/**
 * What a search space is to the engine: one definition object per space (its folder's `space.ts`),
 * typed over the space's own parsed arch, and the string-facing `SearchSpace` every caller uses.
 * Pure, like the rest of core/: whatever needs the benchmark tables sits in benchmarks/space-data.
 */
import type { Graph } from '../ir/graph.ts'
import { countParameters } from '../ir/parameters.ts'
import { md5Hex } from '../md5.ts'
import type { SeededRandom } from '../random.ts'
import { DATASETS, type DatasetId, type WeightPair } from '../../../shared/types.ts'
import { EpsinasError } from '../../../shared/errors.ts'

/** `literal`: the reference network op for op; `pruned`: its canonical form, where the space has one. */
export type NetworkForm = 'literal' | 'pruned'

/** What fixes a network besides the arch and the weights. */
export interface NetworkOptions {
  dataset: DatasetId
  batchSize: number
  form: NetworkForm
}

/**
 * A space as its folder writes it, over its parsed arch type `Arch`. Every written arch goes
 * through `parse` (which throws BAD_ARCH saying what is wrong and where) and `format`: the
 * formatted text is the arch's id everywhere (cache key, score files, the renderer).
 */
export interface SpaceDefinition<Arch> {
  /** Short id used on the command line, in the cache key and in files (`nb201`). */
  id: string
  /** Name for people (`NAS-Bench-201`). */
  title: string
  /** Datasets the space is defined on; the first is the default. */
  datasets: readonly DatasetId[]
  /** The weight pair used when none is given (paper Table 8 for the benchmark spaces). */
  defaultWeights: WeightPair
  /** How many architectures the space has; null when unbounded. */
  size: number | null
  /** How one arch is written in a file, for messages: `an arch string`, `{"matrix": [[...]], "ops": [...]}`. */
  writtenForm: string
  /** The arch of a written one, or BAD_ARCH naming what is wrong and where. */
  parse(text: string): Arch
  /** The normal written form: format(parse(format(a))) === format(a). */
  format(arch: Arch): string
  /** `count` distinct archs drawn from `seed`, in their normal written form; same seed, same list on every machine. */
  sample(count: number, seed: number): string[]
  /** Every arch in the space's own order, in normal written form; absent for spaces too large or unbounded. */
  enumerate?(): string[]
  /**
   * An id shared by archs whose `pruned` networks are the same; absent when the space has none.
   * Only used where the literal network provably stays finite (core/scoring decides that).
   */
  canonicalKey?(arch: Arch): string
  /** The key the benchmark tables use for this arch when it is not the written form (NB101: module hash). */
  benchmarkKey?(arch: Arch): string
  /** The network of one arch at full width; the dataset is already checked against `datasets`. */
  buildNetwork(arch: Arch, options: NetworkOptions): Graph
  /**
   * The shape [channels, height, width] of one input image on `dataset`; absent: the dataset's
   * [3, imageSize, imageSize] (an imported network fixes its own, which may match no dataset).
   */
  inputShape?(dataset: DatasetId): readonly [number, number, number]
  /**
   * The arch's name in the score cache when the written form does not fix the network by itself
   * (an imported file's stem names whatever file holds it now: the key adds its content hash).
   */
  cacheArch?(arch: Arch): string
  /**
   * The parameter count of the arch's trained model when the network `buildNetwork` gives is not
   * that model (NB101 scores a 1-output classifier, the benchmark trained 10; NB-NLP's network is
   * unrolled over time and stops before the decoder); absent: the literal network's countParameters.
   */
  parameterCount?(arch: Arch, dataset: DatasetId): number
  /**
   * The arch as tokens for `epsinas search`'s mutation (src/main/search/mutation.ts): one token
   * changed is one step of the space's reference mutation, and the number of positions where two
   * archs' lists differ is their edit distance. Absent: the space has no structure to mutate, and a
   * mutation is a uniform draw among the other archs.
   */
  mutationTokens?(arch: Arch): readonly string[]
  /**
   * One random mutation as the space's reference draws it (NB101: NASLib's, several tokens may
   * change at once), always an arch of the space; only with mutationTokens, which say how near the
   * child is to archs that can be trained when it cannot. Absent: one token changed, uniformly.
   */
  mutate?(arch: Arch, random: SeededRandom): Arch
  /**
   * The arch with its input embedding initialised by `variant` (paper Table 10's names, BAD_ARGUMENT
   * for another), written so that its cache key names the variant unless it is the default. Absent:
   * the space's networks embed nothing (every image space), so `epsinas study embedding` refuses it.
   */
  withEmbedding?(arch: Arch, variant: string): Arch
}

/** An image of `dataset` as NAS-Bench-201 fixes it: 3 channels of imageSize x imageSize (0 x 0 for text). */
export function datasetInputShape(dataset: DatasetId): readonly [number, number, number] {
  const { imageSize } = DATASETS[dataset]
  return [3, imageSize, imageSize]
}

/** A space with its arch type erased: every argument and result is the written arch text. */
export interface SearchSpace {
  readonly id: string
  readonly title: string
  readonly datasets: readonly DatasetId[]
  readonly defaultWeights: WeightPair
  readonly size: number | null
  readonly writtenForm: string
  /** The normal written form of `text`, or BAD_ARCH. */
  normalize(text: string): string
  /** Why `text` is not an arch of the space (the BAD_ARCH message), or null when it is one. */
  validate(text: string): string | null
  sample(count: number, seed: number): string[]
  /** Every arch, or null when the space cannot be enumerated. */
  enumerate(): string[] | null
  /** Whether `canonicalKey` can ever give a key (so callers can skip building the literal network). */
  readonly hasCanonicalForm: boolean
  /** The canonical id of `arch`, or null when the space has none. */
  canonicalKey(arch: string): string | null
  /** Whether benchmark tables key archs by something other than their written form. */
  readonly hasBenchmarkKey: boolean
  /** The benchmark tables' key of `arch` (its written form when the space has no other). */
  benchmarkKey(arch: string): string
  /** Throws BAD_ARGUMENT unless the space is defined on `dataset`. */
  checkDataset(dataset: DatasetId): void
  buildNetwork(arch: string, options: NetworkOptions): Graph
  /** The [channels, height, width] of one input image on `dataset` (what a minibatch is loaded as). */
  inputShape(dataset: DatasetId): readonly [number, number, number]
  /** Whether the cache names archs by something other than their normal written form. */
  readonly hasCacheArch: boolean
  /** The name of `arch` (any written form) in the score cache: its normal form unless the space says otherwise. */
  cacheArch(arch: string): string
  /**
   * The number of trainable parameters of the arch's full-width network on `dataset` (PyTorch's
   * count: conv weights, BatchNorm gamma and beta, linear weights and biases). Label-free: every
   * arch has one, so selection and ranking can lean on it where epsilon says nothing.
   */
  parameterCount(arch: string, dataset: DatasetId): number
  /** The arch's mutation tokens (SpaceDefinition.mutationTokens), or null when the space has none. */
  mutationTokens(arch: string): readonly string[] | null
  /** Whether the space draws its own mutations (SpaceDefinition.mutate). */
  readonly hasMutate: boolean
  /** One random mutation of `arch` in normal written form, or null when the space draws none. */
  mutate(arch: string, random: SeededRandom): string | null
  /** Whether the space's networks embed their input (SpaceDefinition.withEmbedding). */
  readonly hasEmbedding: boolean
  /** `arch` with its embedding initialised by `variant`, in normal written form; BAD_ARGUMENT where the space has no embedding. */
  withEmbedding(arch: string, variant: string): string
}

/** Parameter counts each space remembers (about 180 bytes each with the key, whatever the arch's name) before it starts again. */
const PARAMETER_COUNTS_KEPT = 100_000

/** Erases a definition's arch type: the one way a definition becomes a SearchSpace (built-in or not). */
export function defineSpace<Arch>(definition: SpaceDefinition<Arch>): SearchSpace {
  const d = definition
  // Building a network takes about 1 ms; every sweep table and ranking asks again for the same archs.
  const parameterCounts = new Map<string, number>()
  const checkDataset = (dataset: DatasetId): void => {
    if (!d.datasets.includes(dataset)) {
      throw new EpsinasError('BAD_ARGUMENT', `search space ${d.id} is defined on ${d.datasets.join(', ')} only (got --dataset ${dataset})`)
    }
  }
  return Object.freeze({
    id: d.id,
    title: d.title,
    datasets: Object.freeze([...d.datasets]),
    defaultWeights: Object.freeze([d.defaultWeights[0], d.defaultWeights[1]] as const),
    size: d.size,
    writtenForm: d.writtenForm,
    normalize: (text: string) => d.format(d.parse(text)),
    validate(text: string): string | null {
      try {
        d.parse(text)
        return null
      } catch (error) {
        if (error instanceof EpsinasError && error.code === 'BAD_ARCH') return error.message
        throw error
      }
    },
    sample: (count: number, seed: number) => d.sample(count, seed),
    enumerate: () => d.enumerate?.() ?? null,
    hasCanonicalForm: d.canonicalKey !== undefined,
    canonicalKey: (arch: string) => (d.canonicalKey ? d.canonicalKey(d.parse(arch)) : null),
    hasBenchmarkKey: d.benchmarkKey !== undefined,
    benchmarkKey: (arch: string) => (d.benchmarkKey ? d.benchmarkKey(d.parse(arch)) : arch),
    checkDataset,
    buildNetwork(arch: string, options: NetworkOptions): Graph {
      checkDataset(options.dataset)
      return d.buildNetwork(d.parse(arch), options)
    },
    inputShape: (dataset: DatasetId) => (d.inputShape ? d.inputShape(dataset) : datasetInputShape(dataset)),
    hasCacheArch: d.cacheArch !== undefined,
    cacheArch(arch: string): string {
      const parsed = d.parse(arch)
      return d.cacheArch ? d.cacheArch(parsed) : d.format(parsed)
    },
    parameterCount(arch: string, dataset: DatasetId): number {
      checkDataset(dataset)
      const parsed = d.parse(arch)
      // Named like the score cache (an imported file's name includes its content hash), but kept as
      // its 32-digit MD5: a name is about 190 characters for NB101 and the end of a job counts every
      // arch, so the names themselves would be the bulk of 100,000 entries. MD5 only as a digest
      // here: an accidental collision among 100,000 keys has a chance of about 2^-95.
      const key = md5Hex(`${dataset}\0${d.cacheArch ? d.cacheArch(parsed) : d.format(parsed)}`)
      const known = parameterCounts.get(key)
      if (known !== undefined) return known
      // Batch 1: the count does not depend on the batch, and the builder allocates no tensors.
      const count = d.parameterCount ? d.parameterCount(parsed, dataset) : countParameters(d.buildNetwork(parsed, { dataset, batchSize: 1, form: 'literal' }))
      if (parameterCounts.size >= PARAMETER_COUNTS_KEPT) parameterCounts.clear()
      parameterCounts.set(key, count)
      return count
    },
    mutationTokens: (arch: string) => (d.mutationTokens ? d.mutationTokens(d.parse(arch)) : null),
    hasMutate: d.mutate !== undefined,
    mutate: (arch: string, random: SeededRandom) => (d.mutate ? d.format(d.mutate(d.parse(arch), random)) : null),
    hasEmbedding: d.withEmbedding !== undefined,
    withEmbedding: (arch: string, variant: string) => {
      if (!d.withEmbedding) throw new EpsinasError('BAD_ARGUMENT', `${d.id} networks embed nothing: the embedding variants (paper Table 10) need a space with an input embedding, such as nbnlp`)
      return d.format(d.withEmbedding(d.parse(arch), variant))
    },
  })
}
