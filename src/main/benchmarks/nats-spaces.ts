/**
 * NATS-Bench's two search spaces as their "simple" archives hold them: one bz2 pickle per arch in
 * the same layout (budget -> {arch_index, arch_str, all_results}), differing in the arch strings,
 * the epoch budgets and which budget is the full training. What the importer, the accuracy tables
 * and the messages need to tell them apart, and nothing else.
 */
import { NATSSSS_SIZE, natsSssArchAt, normalizeNatsSssArch } from '../core/spaces/natssss/arch.ts'
import { normalizeNb201Arch } from '../core/spaces/nb201/arch.ts'

/** One NATS-Bench search space: the rows of its archive go to the space_* tables under `space`. */
export interface NatsSearchSpace {
  /** Our space id, also the benchmark_imports name of its rows. */
  space: 'nb201' | 'natssss'
  /** 'NATS-Bench topology', as messages about its archive name it. */
  title: string
  /** What its accuracies are called where they are used ('NAS-Bench-201' for the topology space). */
  resultsName: string
  /** benchmark_imports.format of the simple archive. */
  format: string
  /** The catalogue item of the simple archive. */
  item: string
  /** Number of archs, the length of meta_archs. */
  size: number
  /**
   * The budget whose accuracy epsinas reads by default: the longest training the archive has,
   * which NATS-Bench calls the full training (200 epochs for topology, 90 for size, which has no
   * 200-epoch budget: api_size.py's full_epochs_in_paper).
   */
  fullEpochs: number
  /** The archive's arch string in our spelling; throws what is wrong with it. */
  normalize(arch: string): string
  /** The arch at a benchmark index when the space's index order is known without the archive. */
  archAt?(index: number): string
}

export const NATS_TOPOLOGY: NatsSearchSpace = {
  space: 'nb201',
  title: 'NATS-Bench topology',
  resultsName: 'NAS-Bench-201',
  format: 'nats-tss-simple',
  item: 'nb201-nats-tss-simple',
  size: 15_625,
  fullEpochs: 200,
  normalize: normalizeNb201Arch,
}

export const NATS_SIZE: NatsSearchSpace = {
  space: 'natssss',
  title: 'NATS-Bench size',
  resultsName: 'NATS-Bench size',
  format: 'nats-sss-simple',
  item: 'natssss-nats-sss-simple',
  size: NATSSSS_SIZE,
  fullEpochs: 90,
  normalize: normalizeNatsSssArch,
  // meta_archs is itertools.product over the channel choices, which is our enumeration order.
  archAt: natsSssArchAt,
}

export const NATS_SPACES: readonly NatsSearchSpace[] = [NATS_TOPOLOGY, NATS_SIZE]
