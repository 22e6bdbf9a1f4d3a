import { beforeAll, describe, expect, test } from 'vitest'
import { loadTfjs, runGraphTfjs, type TfjsRuntime } from '../../../src/main/core/backends/tfjs/index.ts'
import { runGraphTs } from '../../../src/main/core/backends/ts/interpreter.ts'
import type { EpsilonScore } from '../../../src/main/core/epsilon/index.ts'
import type { Graph } from '../../../src/main/core/ir/graph.ts'
import { buildNetwork, prepareNetwork, scorePrepared, type ForwardRunner, type NetworkSpec } from '../../../src/main/core/scoring/index.ts'
import { getSpace } from '../../../src/main/core/spaces/registry.ts'
import { spearman } from '../../../src/main/core/stats/index.ts'
import { greySource, type Minibatch } from '../../../src/main/data/index.ts'
import type { WeightPair } from '../../../src/shared/types.ts'

/**
 * engine.md: the width-collapse rewrite is only valid if it is proven against the full-width
 * engine, space by space. The size space is the first whose cells change width inside the cell
 * (the skip_connect becomes a 1x1 conv + BN when C_in != C_out) and whose stages have unrelated
 * widths, so the collapse is checked here on its own networks: the collapsed graph on the
 * typed-array kernels must agree with the full-width network on TensorFlow.js wasm on NaN status,
 * on epsilon to the NB201 test's tolerance, and in ranking: no two archs swap unless the engines
 * cannot tell them apart (within the tolerance), and Spearman >= 0.999 as for NB201.
 *
 * Network: CIFAR-10 (32x32, 10 classes), batch 8, grey input; 30 seeded archs; the weight pairs of
 * the NB201 agreement test, the reference selection's [1e-6, 1] and this space's default [1e-5, 1].
 *
 * Measured (seed 2024): NaN 25/30 at [1e-7, 1], 0/30 elsewhere; max |diff| 5.6e-6, 8.5e-6, 1.1e-5,
 * 1.1e-5, 7.2e-6, 7.3e-6 for the six pairs; one near-tie swapped at [1e-1, 10] (0.0215561 vs 0.0215562)
 * and one at [1e-6, 1] (0.4520113 vs 0.4520124), so Spearman is 0.9994 / 0.9996 there, 1 elsewhere.
 */

const SPEC: NetworkSpec = { space: 'natssss', dataset: 'cifar10', batchSize: 8 }
const SHAPE = [8, 3, 32, 32] as const
const ARCH_COUNT = 30
const ARCHS = getSpace('natssss').sample(ARCH_COUNT, 2024)

const PAIRS: readonly WeightPair[] = [
  [1e-7, 1],
  [1e-5, 1e-3],
  [1e-3, 1e-1],
  [1e-1, 10],
  [1e-6, 1],
  [1e-5, 1],
]

/** The NB201 agreement test's tolerance (tests/core/engine/agreement.test.ts explains it): |diff| <= REL * scale + ABS. */
const REL = 1e-4
const ABS = 2.5e-5
/** As the NB201 test: two archs closer than the tolerance may swap, which costs about 1e-4 per swapped pair of 30. */
const MIN_SPEARMAN = 0.999

/** Caches each forward pass by (graph, weight): the pairs share weights. */
function memoised(run: ForwardRunner): ForwardRunner {
  const cache = new WeakMap<Graph, Map<number, Float32Array>>()
  return (graph, input, weight) => {
    let byWeight = cache.get(graph)
    if (!byWeight) cache.set(graph, (byWeight = new Map()))
    let out = byWeight.get(weight)
    if (!out) byWeight.set(weight, (out = run(graph, input, weight)))
    return out
  }
}

interface PairResult {
  collapsed: EpsilonScore[]
  full: EpsilonScore[]
}

function scoreAll(runtime: TfjsRuntime, minibatch: Minibatch): PairResult[] {
  const results = PAIRS.map((): PairResult => ({ collapsed: [], full: [] }))
  const runCollapsed = memoised((g, x, w) => runGraphTs(g, x, w))
  const runFull = memoised((g, x, w) => runGraphTfjs(runtime, g, x, w))
  for (const arch of ARCHS) {
    const network = buildNetwork(arch, SPEC, 'literal')
    const collapsed = prepareNetwork(network, minibatch, 'collapsed')
    const full = prepareNetwork(network, minibatch, 'full')
    PAIRS.forEach((pair, k) => {
      results[k].collapsed.push(scorePrepared(collapsed, pair, runCollapsed))
      results[k].full.push(scorePrepared(full, pair, runFull))
    })
  }
  return results
}

describe('collapsed engine vs full-width engine (tfjs-wasm) on the NATS-Bench size space', () => {
  let runtime: TfjsRuntime
  let results: PairResult[]
  beforeAll(async () => {
    runtime = await loadTfjs('tfjs-wasm')
    results = scoreAll(runtime, await greySource.load(SHAPE, 0))
  }, 600_000)

  test('should sample 30 distinct archs that really change widths (the collapse is not trivially exact)', () => {
    expect(new Set(ARCHS).size).toBe(ARCH_COUNT)
    expect(ARCHS.filter((arch) => new Set(arch.split(':')).size > 1).length).toBeGreaterThan(ARCH_COUNT / 2)
  })

  test.each(PAIRS.map((pair, k) => [String(pair), k] as const))('should agree at [%s]: NaN status, epsilon within tolerance, ranks up to ties', (label, k) => {
    const { collapsed, full } = results[k]
    const finiteCollapsed: number[] = []
    const finiteFull: number[] = []
    const finiteArchs: string[] = []
    let maxAbs = 0
    ARCHS.forEach((arch, i) => {
      const c = collapsed[i]
      const f = full[i]
      expect(Number.isNaN(c.value), `[${label}] NaN status of ${arch}: collapsed ${c.value}, full ${f.value}`).toBe(Number.isNaN(f.value))
      expect(c.nanReason, `[${label}] NaN reason of ${arch}`).toBe(f.nanReason)
      if (Number.isNaN(c.value)) return
      const scale = Math.max(Math.abs(c.value), Math.abs(f.value))
      const diff = Math.abs(c.value - f.value)
      expect(diff, `[${label}] ${arch}: collapsed ${c.value} vs full ${f.value}`).toBeLessThanOrEqual(REL * scale + ABS)
      maxAbs = Math.max(maxAbs, diff)
      finiteArchs.push(arch)
      finiteCollapsed.push(c.value)
      finiteFull.push(f.value)
    })
    // Ranks agree except between archs the engines cannot tell apart: two archs may swap only when
    // both engines put them within the tolerance of each other (seen: 0.4520113 vs 0.4520124).
    for (let i = 0; i < finiteArchs.length; i++) {
      for (let j = 0; j < finiteArchs.length; j++) {
        if (!(finiteCollapsed[i] < finiteCollapsed[j] && finiteFull[i] > finiteFull[j])) continue
        const scale = Math.max(Math.abs(finiteFull[i]), Math.abs(finiteFull[j]))
        const gap = Math.max(finiteCollapsed[j] - finiteCollapsed[i], finiteFull[i] - finiteFull[j])
        expect(gap, `[${label}] ${finiteArchs[i]} and ${finiteArchs[j]} swap ranks`).toBeLessThanOrEqual(REL * scale + ABS)
        if (process.env.EPSINAS_REPORT) console.log(`[${label}] tie swapped: ${finiteArchs[i]} ${finiteCollapsed[i]} / ${finiteFull[i]}, ${finiteArchs[j]} ${finiteCollapsed[j]} / ${finiteFull[j]}`)
      }
    }
    if (finiteCollapsed.length >= 2) expect(spearman(finiteCollapsed, finiteFull), `[${label}]: Spearman over ${finiteCollapsed.length} finite archs`).toBeGreaterThanOrEqual(MIN_SPEARMAN)
    if (process.env.EPSINAS_REPORT) console.log(`[${label}]: NaN ${ARCH_COUNT - finiteCollapsed.length}/${ARCH_COUNT}, max abs ${maxAbs.toExponential(2)}`)
  })

  test('should have finite scores for every arch at the default pair [1e-5, 1] (so the rank check there means something)', () => {
    expect(results[PAIRS.length - 1].full.filter((s) => Number.isNaN(s.value))).toHaveLength(0)
  })
})
