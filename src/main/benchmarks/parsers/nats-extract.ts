import { quoteInput } from '../../../shared/errors.ts'
import { NATS_SPACES, type NatsSearchSpace } from '../nats-spaces.ts'
import { PyDict, PyTuple, pyNumber, pyText, type PyValue } from './pickle/index.ts'

/** The training sets NATS reports on; anything else in a file is an error. */
const TRAIN_SETS = ['cifar10-valid', 'cifar10', 'cifar100', 'ImageNet16-120'] as const
const EVAL_SETS = ['x-valid', 'x-test', 'ori-test'] as const

/** One aggregated accuracy row of space_accuracies. */
export interface NatsAccuracy {
  dataset: string
  split: string
  epochs: number
  mean: number
  min: number
  max: number
  seeds: number
}

/** One row of space_costs: means over seeds, as NATS's get_compute_costs computes them. */
export interface NatsCost {
  dataset: string
  params: number | null
  flops: number | null
  latency: number | null
}

/** Everything kept from one per-architecture file. */
export interface NatsArch {
  arch: string
  index: number
  accuracies: NatsAccuracy[]
  costs: NatsCost[]
}

/**
 * Reads one per-arch pickle of a NATS-Bench space: OrderedDict of budgets (topology: '12', '200';
 * size: '01', '12', '90') -> ArchResults,
 * each `{arch_index, arch_str, all_results: {(dataset, seed): ResultsCount}, ...}`. For every
 * training budget, training set and evaluation set, the final-epoch top-1 accuracy
 * (`eval_acc1es['<set>@<epochs-1>']`) is averaged over the seeds with plain float64 sums, which
 * is what NATS's get_metrics(is_random=False) does with np.mean. Arch strings are normalised
 * with `space`'s rules; an arch of the other NATS space says which item the file belongs to.
 * Throws an Error naming the key that is missing or malformed.
 */
export function extractNatsArch(value: PyValue, space: NatsSearchSpace): NatsArch {
  const top = dict(value, 'the file')
  let arch: string | null = null
  let index: number | null = null
  const accuracies: NatsAccuracy[] = []
  let costs: NatsCost[] = []
  for (const [hpKey, results] of top.items()) {
    const hp = pyText(hpKey)
    if (hp === null || !/^\d+$/.test(hp)) throw new Error(`top-level key ${String(hpKey)} is not an epoch budget like '200'`)
    const where = `budget '${hp}'`
    const info = dict(results, where)
    const archStr = text(info.get('arch_str'), `${where}: arch_str`)
    const archIndex = integer(info.get('arch_index'), `${where}: arch_index`)
    const normalized = normalizeIn(space, archStr, where)
    if (archIndex < 0 || archIndex >= space.size) throw new Error(`${where}: arch_index ${archIndex} is outside the ${space.title} space's 0..${space.size - 1}`)
    if (arch !== null && (normalized !== arch || archIndex !== index)) throw new Error(`${where}: arch ${archIndex} ${archStr} differs from the other budget's`)
    if (space.archAt !== undefined && space.archAt(archIndex) !== normalized) {
      throw new Error(`${where}: arch_index ${archIndex} is ${space.archAt(archIndex)} in the ${space.space} index order, but the file holds ${normalized}`)
    }
    arch = normalized
    index = archIndex
    const budget = Number(hp)
    const { rows, costs: budgetCosts } = aggregate(dict(info.get('all_results'), `${where}: all_results`), budget, where)
    accuracies.push(...rows)
    // Costs do not depend on the budget; prefer the full training's records.
    if (costs.length === 0 || budget === space.fullEpochs) costs = budgetCosts
  }
  if (arch === null || index === null) throw new Error('no training budget in the file')
  return { arch, index, accuracies, costs }
}

function aggregate(allResults: PyDict, budget: number, where: string): { rows: NatsAccuracy[]; costs: NatsCost[] } {
  const accuracy = new Map<string, number[]>()
  const cost = new Map<string, { params: number[]; flops: number[]; latency: number[] }>()
  for (const [key, value] of allResults.items()) {
    if (!(key instanceof PyTuple) || key.items.length !== 2) throw new Error(`${where}: all_results key is not a (dataset, seed) tuple`)
    const dataset = text(key.items[0], `${where}: dataset name`)
    if (!(TRAIN_SETS as readonly string[]).includes(dataset)) throw new Error(`${where}: unknown dataset '${dataset}'`)
    const at = `${where}, (${dataset}, ${String(key.items[1])})`
    const result = dict(value, at)
    const epochs = integer(result.get('epochs'), `${at}: epochs`)
    if (epochs !== budget) throw new Error(`${at}: trained ${epochs} epochs under budget ${budget}`)
    const acc1 = dict(result.get('eval_acc1es'), `${at}: eval_acc1es`)
    for (const evalSet of EVAL_SETS) {
      const found = acc1.get(`${evalSet}@${epochs - 1}`)
      if (found === undefined) continue
      const value = finite(found, `${at}: eval_acc1es['${evalSet}@${epochs - 1}']`)
      const rowKey = `${dataset}\u0000${evalSet}`
      const list = accuracy.get(rowKey) ?? []
      list.push(value)
      accuracy.set(rowKey, list)
    }
    const c = cost.get(dataset) ?? { params: [], flops: [], latency: [] }
    const params = pyNumber(result.get('params'))
    const flops = pyNumber(result.get('flop'))
    if (params !== null) c.params.push(params)
    if (flops !== null) c.flops.push(flops)
    const latency = latencyOf(result.get('latency'))
    // NATS's get_compute_costs drops non-positive latencies (-1 marks "not measured").
    if (latency !== null && latency > 0) c.latency.push(latency)
    cost.set(dataset, c)
  }
  const rows = [...accuracy].map(([rowKey, values]) => {
    const [dataset, split] = rowKey.split('\u0000')
    return { dataset, split, epochs: budget, mean: mean(values), min: Math.min(...values), max: Math.max(...values), seeds: values.length }
  })
  const costs = [...cost].map(([dataset, c]) => ({
    dataset,
    params: c.params.length > 0 ? mean(c.params) : null,
    flops: c.flops.length > 0 ? mean(c.flops) : null,
    latency: c.latency.length > 0 ? mean(c.latency) : null,
  }))
  return { rows, costs }
}

/** ResultsCount.get_latency: the mean of the list, or null when absent. */
function latencyOf(value: PyValue | undefined): number | null {
  if (!Array.isArray(value) || value.length === 0) return null
  const numbers = value.map((v) => pyNumber(v))
  if (numbers.some((v) => v === null)) return null
  return mean(numbers as number[])
}

/** Left-to-right float64 sum then divide: numpy's mean for fewer than 8 values. */
function mean(values: readonly number[]): number {
  let sum = 0
  for (const v of values) sum += v
  return sum / values.length
}

function dict(value: PyValue | undefined, what: string): PyDict {
  if (!(value instanceof PyDict)) throw new Error(`${what} is not a dict`)
  return value
}

function text(value: PyValue | undefined, what: string): string {
  const out = pyText(value)
  if (out === null) throw new Error(`${what} is not a string`)
  return out
}

function integer(value: PyValue | undefined, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error(`${what} is not an integer`)
  return value
}

function finite(value: PyValue, what: string): number {
  const number = pyNumber(value)
  if (number === null || !Number.isFinite(number)) throw new Error(`${what} is not a finite number`)
  return number
}

/**
 * meta.pickle.pbz2: `{meta_archs: [arch strings], total_archs, ...}` -> normalised arch strings by
 * index: all of `space`'s archs, in its index order where that is known.
 */
export function extractNatsMeta(value: PyValue, space: NatsSearchSpace): string[] {
  const meta = dict(value, 'the meta file')
  const archs = meta.get('meta_archs')
  if (!Array.isArray(archs)) throw new Error('meta_archs is not a list')
  const list = archs.map((arch, i) => {
    const where = `meta_archs[${i}]`
    const normalized = normalizeIn(space, text(arch, where), where)
    if (space.archAt !== undefined && space.archAt(i) !== normalized) throw new Error(`${where} is ${normalized}, but the ${space.space} index order has ${space.archAt(i)} there`)
    return normalized
  })
  if (list.length !== space.size) throw new Error(`meta_archs lists ${list.length} architectures; the ${space.title} space has ${space.size.toLocaleString('en-US')}`)
  return list
}

/**
 * `arch` normalised in `space`. A string that is an arch of the other NATS space means the file
 * is that space's archive: say so and name its item, rather than what is wrong with the string.
 */
function normalizeIn(space: NatsSearchSpace, arch: string, where: string): string {
  try {
    return space.normalize(arch)
  } catch (error) {
    const other = NATS_SPACES.find((candidate) => candidate !== space && isArchOf(candidate, arch))
    if (other) throw new Error(`${where}: holds ${other.title} (${other.space}) architectures (${quoteInput(arch)}), not ${space.title} ones: convert it as ${other.item}`)
    throw new Error(`${where}: ${(error as Error).message}`)
  }
}

function isArchOf(space: NatsSearchSpace, arch: string): boolean {
  try {
    space.normalize(arch)
    return true
  } catch {
    return false
  }
}
