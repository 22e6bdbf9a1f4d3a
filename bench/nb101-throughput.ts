/**
 * NB101 scoring throughput, collapsed vs full width, in one run: the benchmark network (stem 128,
 * cells up to 512 channels), cifar10 32x32, grey input, batch 256, the NB101 default pair [1e-4, 10].
 *
 *   npx tsx bench/nb101-throughput.ts [--specs 20] [--full 2] [--batch 256] [--backend tfjs-wasm] [--cli 200]
 *
 * --specs seeded random specs are timed on the collapsed engine (one thread); the first --full of
 * them also on the full-width engine, back to back with their collapsed run, so the ratio compares
 * the same specs (a full-width pass takes tens of seconds on tfjs-wasm: keep --full small).
 * --cli N also times `epsinas score --space nb101 --limit N` into a fresh database (both cores, as a
 * user runs it) and projects the time for all 423,624 graphs from it.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { NB101_SIZE, sampleNb101Specs } from '../src/main/core/spaces/nb101/index.ts'
import { engineTimer } from './engine-timer.ts'

const { values } = parseArgs({
  options: {
    specs: { type: 'string', default: '20' },
    full: { type: 'string', default: '2' },
    batch: { type: 'string', default: '256' },
    backend: { type: 'string', default: 'tfjs-wasm' },
    cli: { type: 'string' },
  },
})
const specCount = Number(values.specs)
const fullCount = Math.min(Number(values.full), specCount)
const batchSize = Number(values.batch)
const weights = [1e-4, 10] as const

const specs = sampleNb101Specs(specCount, 2026)
const { timeScore, backend } = await engineTimer('nb101', batchSize, weights, values.backend as string)

function agreement(c: number, f: number): string {
  if (Number.isNaN(c) || Number.isNaN(f)) return Number.isNaN(c) === Number.isNaN(f) ? 'both NaN' : 'NaN MISMATCH'
  return `diff ${Math.abs(c - f).toExponential(1)}`
}

console.log(`# NB101 cifar10 grey, batch ${batchSize}, weights ${weights.join(',')}, ${specCount} specs (${fullCount} also full width), one thread, full width on ${backend}`)
console.log(`# ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, node ${process.version}`)
timeScore(specs[0], 'collapsed') // warm-up: JIT and buffer pool
let collapsedMs = 0
let pairedCollapsedMs = 0
let fullMs = 0
specs.forEach((spec, i) => {
  const c = timeScore(spec, 'collapsed')
  collapsedMs += c.ms
  if (i >= fullCount) {
    console.log(`collapsed ${c.ms.toFixed(0).padStart(6)} ms  epsilon ${c.epsilon}  ${spec}`)
    return
  }
  const f = timeScore(spec, 'full')
  pairedCollapsedMs += c.ms
  fullMs += f.ms
  console.log(`collapsed ${c.ms.toFixed(0).padStart(6)} ms  full ${f.ms.toFixed(0).padStart(7)} ms  epsilon ${c.epsilon} vs ${f.epsilon} (${agreement(c.epsilon, f.epsilon)})  ${spec}`)
})
const collapsedRate = (1000 * specCount) / collapsedMs
console.log(`collapsed: ${collapsedRate.toFixed(2)} archs/s per thread (${(collapsedMs / specCount).toFixed(0)} ms/arch over ${specCount} specs)`)
if (fullCount > 0) {
  const fullRate = (1000 * fullCount) / fullMs
  const pairedRate = (1000 * fullCount) / pairedCollapsedMs
  console.log(`full:      ${fullRate.toFixed(4)} archs/s per thread (${(fullMs / fullCount).toFixed(0)} ms/arch over ${fullCount} specs)`)
  console.log(`ratio collapsed/full on the same ${fullCount} specs: ${(pairedRate / fullRate).toFixed(0)}x`)
  console.log(`projected, all ${NB101_SIZE.toLocaleString('en-US')} graphs on ${cpus().length} threads: collapsed ${hours(NB101_SIZE / (collapsedRate * cpus().length))}, full ${hours(NB101_SIZE / (fullRate * cpus().length))}`)
}
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`)

function hours(seconds: number): string {
  return seconds < 2 * 86400 ? `${(seconds / 3600).toFixed(1)} h` : `${(seconds / 86400).toFixed(0)} days`
}

if (values.cli !== undefined) {
  const limit = Number(values.cli)
  const dir = mkdtempSync(join(tmpdir(), 'epsinas-bench-'))
  try {
    const started = performance.now()
    execFileSync(
      process.execPath,
      ['bin/epsinas.mjs', 'score', '--space', 'nb101', '--limit', String(limit), '--seed', '1', '--no-progress', '--db', join(dir, 'bench.db'), '--out', join(dir, 'nb101.csv')],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    )
    const seconds = (performance.now() - started) / 1000
    console.log(`score --space nb101 --limit ${limit} (batch 256, grey, [1e-4, 10], ${cpus().length} cores): ${seconds.toFixed(1)} s wall, ${(limit / seconds).toFixed(2)} archs/s`)
    console.log(`projected for all ${NB101_SIZE.toLocaleString('en-US')} graphs: ${hours((NB101_SIZE * seconds) / limit)}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
