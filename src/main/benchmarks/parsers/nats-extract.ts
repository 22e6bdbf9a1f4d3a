import { normalizeNb201Arch } from '../../core/spaces/nb201/arch.ts'
import { PyDict, PyTuple, pyNumber, pyText, type PyValue } from './pickle/index.ts'

/** The training sets NATS reports on; anything else in a file is an error. */
const TRAIN_SETS = ['cifar10-valid', 'cifar10', 'cifar100', 'ImageNet16-120'] as const
const EVAL_SETS = ['x-valid', 'x-test', 'ori-test'] as const

/** One aggregated accuracy row of nb201_accuracies. */
export interface NatsAccuracy {
  dataset: string
  split: string
  epochs: number
  mean: number
  min: number
  max: number
  seeds: number
}

/** One row of nb201_costs: means over seeds, as NATS's get_compute_costs computes them. */
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
 * Reads one NATS topology per-arch pickle: OrderedDict {'12': ArchResults, '200': ArchResults},
 * each `{arch_index, arch_str, all_results: {(dataset, seed): ResultsCount}, ...}`. For every
 * training budget, training set and evaluation set, the final-epoch top-1 accuracy
 * (`eval_acc1es['<set>@<epochs-1>']`) is averaged over the seeds with plain float64 sums, which
 * is what NATS's get_metrics(is_random=False) does with np.mean.
 * Throws an Error naming the key that is missing or malformed.
 */
export function extractNatsArch(value: PyValue): NatsArch {
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
    if (arch !== null && (archStr !== arch || archIndex !== index)) throw new Error(`${where}: arch ${archIndex} ${archStr} differs from the other budget's`)
    try {
      arch = normalizeNb201Arch(archStr)
    } catch (error) {
      throw new Error(`${where}: ${(error as Error).message}`)
    }
    index = archIndex
    const budget = Number(hp)
    const { rows, costs: budgetCosts } = aggregate(dict(info.get('all_results'), `${where}: all_results`), budget, where)
    accuracies.push(...rows)
    // Costs do not depend on the budget; prefer the full training's records.
    if (costs.length === 0 || budget === 200) costs = budgetCosts
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

/** meta.pickle.pbz2: `{meta_archs: [arch strings], total_archs, ...}` -> normalised arch strings by index. */
export function extractNatsMeta(value: PyValue): string[] {
  const meta = dict(value, 'the meta file')
  const archs = meta.get('meta_archs')
  if (!Array.isArray(archs)) throw new Error('meta_archs is not a list')
  return archs.map((arch, i) => {
    const archStr = text(arch, `meta_archs[${i}]`)
    try {
      return normalizeNb201Arch(archStr)
    } catch (error) {
      throw new Error(`meta_archs[${i}]: ${(error as Error).message}`)
    }
  })
}
