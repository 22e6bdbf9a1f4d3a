/**
 * NAS-Bench-NLP scoring throughput, collapsed vs full width, side by side in one run: each recepie
 * is scored on both engines back to back at the benchmark's sizes (emsize 400, nhid 600, 3 layers,
 * tied, 70 steps) and batch, at the default pair [1e-5, 1e-3], one thread.
 *
 *   npx tsx bench/nbnlp-throughput.ts [--archs 3] [--batch 256] [--backend tfjs-wasm]
 */
import { cpus, loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { runGraphTs } from '../src/main/core/backends/ts/interpreter.ts'
import { BufferPool } from '../src/main/core/backends/ts/pool.ts'
import { loadTfjs, runGraphTfjs, type TfjsBackendId } from '../src/main/core/backends/tfjs/index.ts'
import { buildNetwork, normalizeArch, prepareNetwork, scorePrepared, type ForwardRunner } from '../src/main/core/scoring/index.ts'
import { sampleRecepies } from '../src/main/core/spaces/nbnlp/index.ts'
import { loadMinibatch } from '../src/main/jobs/score-task.ts'
import { nbnlpSpace } from '../src/main/core/spaces/nbnlp/space.ts'
import type { EngineId } from '../src/shared/types.ts'

const { values } = parseArgs({
  options: {
    archs: { type: 'string', default: '3' },
    batch: { type: 'string', default: '256' },
    backend: { type: 'string', default: 'tfjs-wasm' },
  },
})
const archCount = Number(values.archs)
const batchSize = Number(values.batch)
const weights = nbnlpSpace.defaultWeights
const spec = { space: 'nbnlp', dataset: 'ptb', batchSize } as const

const archs = sampleRecepies(archCount + 1, 2026).map((recepie) => normalizeArch('nbnlp', recepie))
const minibatch = await loadMinibatch({ dataset: 'ptb', input: 'uniform', inputSeed: 0, batchSize })
const runtime = await loadTfjs(values.backend as TfjsBackendId)
const pool = new BufferPool()
const runners: Record<EngineId, ForwardRunner> = {
  collapsed: (g, x, w) => runGraphTs(g, x, w, pool),
  full: (g, x, w) => runGraphTfjs(runtime, g, x, w),
}

/** Wall time, and CPU time of this process (robust to other processes sharing the cores; tfjs-wasm threads included). */
function timeScore(arch: string, engine: EngineId): { ms: number; cpuMs: number; epsilon: number } {
  const started = performance.now()
  const cpu = process.cpuUsage()
  const prepared = prepareNetwork(buildNetwork(arch, spec, 'literal'), minibatch, engine)
  const score = scorePrepared(prepared, weights, runners[engine])
  const used = process.cpuUsage(cpu)
  return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, epsilon: score.value }
}

console.log(`# NB-NLP 400/600/3 tied, 70 steps, random PTB-vocabulary tokens, batch ${batchSize}, weights ${weights.join(',')}, ${archCount} archs, one thread, full width on ${runtime.backend}`)
console.log(`# ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, node ${process.version}`)
// Warm-up on a recepie not measured: JIT, buffer pool, wasm kernels, cached weight matrices.
timeScore(archs[0], 'collapsed')
timeScore(archs[0], 'full')
let collapsedMs = 0
let fullMs = 0
let collapsedCpu = 0
let fullCpu = 0
for (const arch of archs.slice(1)) {
  const c = timeScore(arch, 'collapsed')
  const f = timeScore(arch, 'full')
  collapsedMs += c.ms
  fullMs += f.ms
  collapsedCpu += c.cpuMs
  fullCpu += f.cpuMs
  const agree = Number.isNaN(c.epsilon) ? Number.isNaN(f.epsilon) : Math.abs(c.epsilon - f.epsilon) / Math.abs(f.epsilon)
  const nodes = Object.keys((JSON.parse(arch) as { recepie: object }).recepie).length
  console.log(`${nodes}-node cell  collapsed ${c.ms.toFixed(0).padStart(6)} ms (cpu ${c.cpuMs.toFixed(0)})  full ${f.ms.toFixed(0).padStart(7)} ms (cpu ${f.cpuMs.toFixed(0)})  epsilon ${c.epsilon} vs ${f.epsilon} (${typeof agree === 'boolean' ? (agree ? 'both NaN' : 'NaN MISMATCH') : `rel diff ${agree.toExponential(1)}`})`)
}
const collapsedRate = (1000 * archCount) / collapsedMs
const fullRate = (1000 * archCount) / fullMs
console.log(`collapsed: ${collapsedRate.toFixed(2)} archs/s per thread (${(collapsedMs / archCount).toFixed(0)} ms/arch)`)
console.log(`full:      ${fullRate.toFixed(4)} archs/s per thread (${(fullMs / archCount).toFixed(0)} ms/arch)`)
console.log(`ratio collapsed/full: ${(collapsedRate / fullRate).toFixed(0)}x wall, ${(fullCpu / collapsedCpu).toFixed(0)}x CPU (${(collapsedCpu / archCount).toFixed(0)} vs ${(fullCpu / archCount).toFixed(0)} CPU ms/arch)`)
console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`)
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`)
