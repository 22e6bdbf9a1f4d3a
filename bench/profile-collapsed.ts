/**
 * Where the collapsed engine's time goes: a CPU profile (node:inspector, in this process) of the
 * forward passes of seeded archs, as score-task runs them (pruned form, collapsed, both weights of the
 * space's default pair, batch 256, grey), printed as self time per function. WebAssembly functions
 * show as wasm-function[i]: i is the i-th func of src/main/core/backends/wasm/kernels.wat.
 *
 *   npx tsx bench/profile-collapsed.ts [--archs 200] [--space nb201] [--form pruned|literal] [--top 16]
 *   EPSINAS_KERNELS=ts npx tsx bench/profile-collapsed.ts     # the TS reference kernels
 */
import { Session, type Profiler } from 'node:inspector'
import { parseArgs } from 'node:util'
import { runGraphTs } from '../src/main/core/backends/ts/interpreter.ts'
import { BufferPool } from '../src/main/core/backends/ts/pool.ts'
import { kernelChoice } from '../src/main/core/backends/wasm/heap.ts'
import { buildNetwork, prepareNetwork, scorePrepared } from '../src/main/core/scoring/index.ts'
import { getSpace } from '../src/main/core/spaces/registry.ts'
import { loadMinibatch } from '../src/main/jobs/score-task.ts'
import type { NetworkForm } from '../src/main/core/scoring/index.ts'
import type { SpaceId } from '../src/shared/types.ts'

const { values } = parseArgs({
  options: {
    archs: { type: 'string', default: '200' },
    space: { type: 'string', default: 'nb201' },
    // literal: the network bench/throughput.ts times against full width; pruned: the one score jobs run
    form: { type: 'string', default: 'pruned' },
    top: { type: 'string', default: '16' },
  },
})
const space = values.space as SpaceId
const definition = getSpace(space)
const dataset = definition.datasets[0]
const minibatch = await loadMinibatch({ space, dataset, input: 'grey', inputSeed: 0, batchSize: 256 })
const archs = definition.sample(Number(values.archs), 2026)
const pool = new BufferPool()
const scoreAll = (list: readonly string[]): void => {
  for (const arch of list) {
    const prepared = prepareNetwork(buildNetwork(arch, { space, dataset, batchSize: 256 }, values.form as NetworkForm), minibatch, 'collapsed')
    scorePrepared(prepared, definition.defaultWeights, (graph, input, weight) => runGraphTs(graph, input, weight, pool))
  }
}
scoreAll(archs.slice(0, 3)) // warm-up: JIT and wasm tier-up, outside the profile

const session = new Session()
session.connect()
const post = <T>(method: string, params?: object): Promise<T> =>
  new Promise((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as T))))
await post('Profiler.enable')
await post('Profiler.setSamplingInterval', { interval: 200 })
await post('Profiler.start')
const started = performance.now()
scoreAll(archs)
const wallMs = performance.now() - started
const { profile } = await post<{ profile: Profiler.Profile }>('Profiler.stop')
session.disconnect()

const selfUs = new Map<string, number>()
const byId = new Map(profile.nodes.map((node) => [node.id, node]))
const deltas = profile.timeDeltas ?? []
let totalUs = 0
;(profile.samples ?? []).forEach((id, i) => {
  const frame = byId.get(id)?.callFrame
  const name = frame ? `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}` : '?'
  selfUs.set(name, (selfUs.get(name) ?? 0) + deltas[i])
  totalUs += deltas[i]
})
console.log(`# ${archs.length} ${space} archs, kernels ${pool.heap ? 'wasm' : 'ts'} (EPSINAS_KERNELS=${kernelChoice()}), ${(wallMs / archs.length).toFixed(1)} ms/arch wall`)
console.log('| self time | share | function |\n|---|---|---|')
for (const [name, us] of [...selfUs].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
  console.log(`| ${(us / 1000).toFixed(0)} ms | ${((100 * us) / totalUs).toFixed(1)}% | ${name} |`)
}
