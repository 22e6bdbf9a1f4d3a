/**
 * NB201 scoring throughput, collapsed vs full width, measured side by side in one run (machines are
 * noisy: each arch is timed on both engines back to back, and the ratio is what we report).
 *
 *   npx tsx bench/throughput.ts [--archs 6] [--warmup 40] [--batch 256] [--backend tfjs-wasm] [--all]
 *
 * --all additionally times `epsinas score --all` (all 15,625 archs, cifar10, grey, both cores) into a
 * fresh database, as a user would run it.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
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
    // archs the collapsed engine scores before timing (the full engine scores the first of them): V8
    // optimises the graph passes and kernel wrappers on background threads, and re-optimises some as
    // new paths run, for about the first 40 archs, tens of ms each (node --trace-opt); a job of
    // thousands of archs pays that once. Steady state is what the per-arch ratio is about.
    warmup: { type: 'string', default: '40' },
  },
})
const archCount = Number(values.archs)
const batchSize = Number(values.batch)
const weights = [1e-7, 1] as const

const random = new SeededRandom(2026)
const archs = random.sampleWithoutReplacement(NB201_SIZE, archCount).map(nb201ArchAt)
const { timeScore, backend } = await engineTimer('nb201', batchSize, weights, values.backend as string)

console.log(`# NB201 cifar10 grey, batch ${batchSize}, weights ${weights.join(',')}, ${archCount} archs (after ${values.warmup} warm-up archs), one thread, full width on ${backend}`)
console.log(`# ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, node ${process.version}`)
const warmupArchs = random.sampleWithoutReplacement(NB201_SIZE, Math.max(1, Number(values.warmup))).map(nb201ArchAt)
for (const arch of warmupArchs) timeScore(arch, 'collapsed') // warm-up: JIT and buffer pool
timeScore(warmupArchs[0], 'full') // warm-up: wasm compile and kernels
let collapsedMs = 0
let fullMs = 0
// CPU time of this process as well: on a loaded machine wall time counts other processes' turns.
let collapsedCpuMs = 0
let fullCpuMs = 0
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}
// CPU time of this (the main) thread alone, where Linux says it (/proc/thread-self/schedstat: ns on a CPU).
// The process's CPU time also counts V8's background threads: the optimising compiler tiering up
// tfjs-wasm's code and GC helpers, whichever engine's span they happen to fall in; they add about
// 6 ms to the collapsed engine's ~30 ms per arch (about 2.5 ms when the full engine does not run).
const SCHEDSTAT = '/proc/thread-self/schedstat'
const threadCpuMs = existsSync(SCHEDSTAT) ? (): number => Number(readFileSync(SCHEDSTAT, 'utf8').split(' ')[0]) / 1e6 : null
let collapsedThreadMs = 0
let fullThreadMs = 0
for (const arch of archs) {
  let started = cpuMs()
  let threadStarted = threadCpuMs?.() ?? 0
  const c = timeScore(arch, 'collapsed')
  collapsedCpuMs += cpuMs() - started
  collapsedThreadMs += (threadCpuMs?.() ?? 0) - threadStarted
  started = cpuMs()
  threadStarted = threadCpuMs?.() ?? 0
  const f = timeScore(arch, 'full')
  fullCpuMs += cpuMs() - started
  fullThreadMs += (threadCpuMs?.() ?? 0) - threadStarted
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
if (threadCpuMs) {
  console.log(`CPU of the main thread: collapsed ${(collapsedThreadMs / archs.length).toFixed(1)} ms/arch, full ${(fullThreadMs / archs.length).toFixed(0)} ms/arch, ratio ${(fullThreadMs / collapsedThreadMs).toFixed(0)}x`)
}
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
