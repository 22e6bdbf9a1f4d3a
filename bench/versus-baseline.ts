/**
 * A whole arch as a score worker computes it (build the network, collapse, CSE, both forward passes
 * of the default pair on the collapsed engine's default kernels, epsilon), this checkout against
 * another one (a baseline commit), side by side in one process: arch by arch, alternating which
 * tree goes first, CPU time of this thread. Both trees' outputs must be the same bits.
 *
 *   git worktree add /tmp/baseline <commit>    # or: mkdir /tmp/baseline && git archive <commit> | tar -x -C /tmp/baseline
 *   ln -s "$PWD/node_modules" /tmp/baseline/node_modules
 *   npx tsx bench/versus-baseline.ts --baseline /tmp/baseline [--candidate .] [--space nbnlp] [--archs 12] [--form pruned|literal]
 */
import { loadavg } from 'node:os'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { SpaceId } from '../src/shared/types.ts'

const { values } = parseArgs({
  options: {
    baseline: { type: 'string' },
    candidate: { type: 'string', default: '.' },
    space: { type: 'string', default: 'nbnlp' },
    archs: { type: 'string', default: '12' },
    // literal: the network bench/throughput.ts times against full width; pruned: the one score jobs run
    form: { type: 'string', default: 'pruned' },
    // > 1: every arch that many times on each tree, alternating, and its fastest time counted (on a
    // loaded machine, other processes add time to a run, never take any away)
    rounds: { type: 'string', default: '1' },
  },
})
if (!values.baseline) throw new Error('--baseline DIR: a checkout of the commit to compare with')

type Forward = (graph: unknown, input: Float32Array, weight: number) => Float32Array
interface Tree {
  name: string
  scoreArch(arch: string): { epsilon: number; outputs: Float32Array[] }
}

async function loadTree(name: string, dir: string, space: SpaceId): Promise<Tree> {
  const root = resolve(dir)
  const scoring = await import(`${root}/src/main/core/scoring/index.ts`)
  const { getSpace } = await import(`${root}/src/main/core/spaces/registry.ts`)
  const { loadMinibatch } = await import(`${root}/src/main/jobs/score-task.ts`)
  const { runGraphTs } = await import(`${root}/src/main/core/backends/ts/interpreter.ts`)
  const { BufferPool } = await import(`${root}/src/main/core/backends/ts/pool.ts`)
  const definition = getSpace(space)
  const dataset = definition.datasets[0]
  const minibatch = await loadMinibatch({ space, dataset, input: 'grey', inputSeed: 0, batchSize: 256 })
  const pool = new BufferPool()
  return {
    name,
    scoreArch(arch) {
      const prepared = scoring.prepareNetwork(scoring.buildNetwork(arch, { space, dataset, batchSize: 256 }, values.form), minibatch, 'collapsed')
      const outputs: Float32Array[] = []
      const run: Forward = (graph, input, weight) => {
        const out = runGraphTs(graph, input, weight, pool) as Float32Array
        outputs.push(out)
        return out
      }
      const { epsilon } = scoring.scorePrepared(prepared, definition.defaultWeights, run)
      return { epsilon, outputs }
    },
  }
}

const cpuMs = (): number => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}
const sameBits = (a: Float32Array, b: Float32Array): boolean => {
  if (a.length !== b.length) return false
  const [x, y] = [new Uint32Array(a.buffer, a.byteOffset, a.length), new Uint32Array(b.buffer, b.byteOffset, b.length)]
  return x.every((bits, i) => bits === y[i] || (Number.isNaN(a[i]) && Number.isNaN(b[i])))
}

const space = values.space as SpaceId
const baseline = await loadTree('baseline', values.baseline, space)
const candidate = await loadTree('candidate', values.candidate, space)
const { getSpace } = await import(`${resolve(values.candidate)}/src/main/core/spaces/registry.ts`)
const archs: string[] = getSpace(space).sample(Number(values.archs) + 1, 2026)
const totals = { baseline: 0, candidate: 0 }
let mismatches = 0
const rounds = Number(values.rounds)
archs.forEach((arch, index) => {
  const results = new Map<string, Float32Array[]>()
  const fastest = { baseline: Number.POSITIVE_INFINITY, candidate: Number.POSITIVE_INFINITY }
  for (let round = 0; round < rounds; round++) {
    const order = (index + round) % 2 === 0 ? [baseline, candidate] : [candidate, baseline]
    for (const tree of order) {
      const started = cpuMs()
      results.set(tree.name, tree.scoreArch(arch).outputs)
      const name = tree.name as 'baseline' | 'candidate'
      fastest[name] = Math.min(fastest[name], cpuMs() - started)
    }
  }
  // The first arch warms both trees up (JIT, wasm tier-up, tables): not counted.
  if (index > 0) {
    totals.baseline += fastest.baseline
    totals.candidate += fastest.candidate
  }
  const [a, b] = [results.get('baseline') ?? [], results.get('candidate') ?? []]
  if (a.length !== b.length || a.some((out, i) => !sameBits(out, b[i]))) mismatches++
})
const n = archs.length - 1
console.log(`# ${space}, ${n} archs (${values.form}, fastest of ${rounds} per arch and tree) (after one warm-up), batch 256, grey, both weights, one thread; load average ${loadavg()[0].toFixed(1)} at the end`)
console.log(`CPU per arch: baseline ${(totals.baseline / n).toFixed(1)} ms, candidate ${(totals.candidate / n).toFixed(1)} ms, ratio ${(totals.baseline / totals.candidate).toFixed(2)}x; archs whose outputs differ in any bit: ${mismatches}`)
