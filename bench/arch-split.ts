/**
 * Where one arch's time goes on the collapsed engine, as a score worker spends it: building the
 * full-width network, the collapse pass, CSE, and both forward passes of the space's default pair
 * (batch 256, grey, this thread's default kernels); ms per arch after two warm-up archs, plus the
 * op kinds of the prepared graph per arch.
 *
 *   npx tsx bench/arch-split.ts [--space nbnlp] [--archs 10] [--form pruned|literal]
 */
import { parseArgs } from 'node:util'
import { runGraphTs } from '../src/main/core/backends/ts/interpreter.ts'
import { BufferPool } from '../src/main/core/backends/ts/pool.ts'
import { collapseGraph, collapseInput, expandOutput } from '../src/main/core/passes/collapse.ts'
import { eliminateCommonSubexpressions } from '../src/main/core/passes/cse.ts'
import { buildNetwork } from '../src/main/core/scoring/index.ts'
import { getSpace } from '../src/main/core/spaces/registry.ts'
import { loadMinibatch } from '../src/main/jobs/score-task.ts'
import type { NetworkForm } from '../src/main/core/scoring/index.ts'
import type { SpaceId } from '../src/shared/types.ts'

const { values } = parseArgs({
  options: {
    space: { type: 'string', default: 'nbnlp' },
    archs: { type: 'string', default: '10' },
    // literal: the network bench/throughput.ts times against full width; pruned: the one score jobs run
    form: { type: 'string', default: 'pruned' },
  },
})
const space = values.space as SpaceId
const count = Number(values.archs)
const definition = getSpace(space)
const dataset = definition.datasets[0]
const minibatch = await loadMinibatch({ space, dataset, input: 'grey', inputSeed: 0, batchSize: 256 })
// As prepareNetwork does, step by step so that each step is timed.
const inputPartition = minibatch.channelsIdentical ? [minibatch.shape[1]] : new Array<number>(minibatch.shape[1]).fill(1)
const input = collapseInput(minibatch.data, minibatch.shape, inputPartition)
const pool = new BufferPool()
const totals = { build: 0, collapse: 0, cse: 0, run: 0 }
const kinds = new Map<string, number>()
definition.sample(count + 2, 2026).forEach((arch, index) => {
  const t0 = performance.now()
  const network = buildNetwork(arch, { space, dataset, batchSize: 256 }, values.form as NetworkForm)
  const t1 = performance.now()
  const collapsed = collapseGraph(network, { inputPartition })
  const t2 = performance.now()
  const graph = eliminateCommonSubexpressions(collapsed)
  const t3 = performance.now()
  const outputNode = graph.nodes[graph.output]
  for (const weight of definition.defaultWeights) expandOutput(runGraphTs(graph, input, weight, pool), outputNode.shape, outputNode.channelMultiplicity)
  const t4 = performance.now()
  if (index < 2) return // warm-up: JIT, wasm tier-up, the embedding table
  totals.build += t1 - t0
  totals.collapse += t2 - t1
  totals.cse += t3 - t2
  totals.run += t4 - t3
  for (const node of graph.nodes) kinds.set(node.op.kind, (kinds.get(node.op.kind) ?? 0) + 1)
})
const perArch = (ms: number): string => (ms / count).toFixed(1)
console.log(`# ${space}, ${count} archs, batch 256, grey, kernels ${pool.heap ? 'wasm' : 'ts'}: ms per arch (wall)`)
console.log(`build ${perArch(totals.build)}, collapse ${perArch(totals.collapse)}, cse ${perArch(totals.cse)}, both forward passes ${perArch(totals.run)}`)
console.log(`ops per prepared graph: ${[...kinds].map(([kind, n]) => `${kind} ${(n / count).toFixed(0)}`).join(', ')}`)
