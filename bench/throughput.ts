/**
 * NB201 scoring throughput, collapsed vs full width, measured side by side in one run (machines are
 * noisy: each arch is timed on both engines back to back, and the ratio is what we report).
 *
 *   npx tsx bench/throughput.ts [--archs 6] [--batch 256] [--backend tfjs-wasm] [--all]
 *
 * --all additionally times `epsinas score --all` (all 15,625 archs, cifar10, grey, both cores) into a
 * fresh database, as a user would run it.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { SeededRandom } from '../src/main/core/random.ts'
import { nb201ArchAt, NB201_SIZE } from '../src/main/core/spaces/nb201/index.ts'
import { engineTimer } from './engine-timer.ts'

const { values } = parseArgs({
  options: {
    archs: { type: 'string', default: '6' },
    batch: { type: 'string', default: '256' },
    backend: { type: 'string', default: 'tfjs-wasm' },
    all: { type: 'boolean', default: false },
  },
})
const archCount = Number(values.archs)
const batchSize = Number(values.batch)
const weights = [1e-7, 1] as const

const random = new SeededRandom(2026)
const archs = random.sampleWithoutReplacement(NB201_SIZE, archCount).map(nb201ArchAt)
const { timeScore, backend } = await engineTimer('nb201', batchSize, weights, values.backend as string)

console.log(`# NB201 cifar10 grey, batch ${batchSize}, weights ${weights.join(',')}, ${archCount} archs, one thread, full width on ${backend}`)
console.log(`# ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, node ${process.version}`)
timeScore(archs[0], 'collapsed') // warm-up: JIT and buffer pool
timeScore(archs[0], 'full') // warm-up: wasm compile and kernels
let collapsedMs = 0
let fullMs = 0
// CPU time of this process as well: on a loaded machine wall time counts other processes' turns.
let collapsedCpuMs = 0
let fullCpuMs = 0
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}
for (const arch of archs) {
  let started = cpuMs()
  const c = timeScore(arch, 'collapsed')
  collapsedCpuMs += cpuMs() - started
  started = cpuMs()
  const f = timeScore(arch, 'full')
  fullCpuMs += cpuMs() - started
  collapsedMs += c.ms
  fullMs += f.ms
  const agree = Number.isNaN(c.epsilon) ? Number.isNaN(f.epsilon) : Math.abs(c.epsilon - f.epsilon) / Math.abs(f.epsilon)
  console.log(`${arch}  collapsed ${c.ms.toFixed(0).padStart(6)} ms  full ${f.ms.toFixed(0).padStart(7)} ms  epsilon ${c.epsilon} vs ${f.epsilon} (${typeof agree === 'boolean' ? (agree ? 'both NaN' : 'NaN MISMATCH') : `rel diff ${agree.toExponential(1)}`})`)
}
const collapsedRate = (1000 * archs.length) / collapsedMs
const fullRate = (1000 * archs.length) / fullMs
console.log(`collapsed: ${collapsedRate.toFixed(2)} archs/s per thread (${(collapsedMs / archs.length).toFixed(0)} ms/arch)`)
console.log(`full:      ${fullRate.toFixed(3)} archs/s per thread (${(fullMs / archs.length).toFixed(0)} ms/arch)`)
console.log(`ratio collapsed/full: ${(collapsedRate / fullRate).toFixed(0)}x wall`)
console.log(`CPU: collapsed ${(collapsedCpuMs / archs.length).toFixed(0)} ms/arch, full ${(fullCpuMs / archs.length).toFixed(0)} ms/arch, ratio ${(fullCpuMs / collapsedCpuMs).toFixed(0)}x`)
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`)

if (values.all) {
  const dir = mkdtempSync(join(tmpdir(), 'epsinas-bench-'))
  try {
    const started = performance.now()
    execFileSync(process.execPath, ['bin/epsinas.mjs', 'score', '--all', '--no-progress', '--db', join(dir, 'bench.db'), '--out', join(dir, 'all.csv')], { stdio: ['ignore', 'inherit', 'inherit'] })
    console.log(`score --all (15,625 archs, cifar10, grey, batch 256, ${cpus().length} cores): ${((performance.now() - started) / 1000).toFixed(1)} s wall`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
