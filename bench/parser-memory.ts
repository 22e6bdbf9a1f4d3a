/**
 * Memory bound of the streaming importers: generates a NB101 TFRecord far larger than any fixture
 * (default 200 MB, about 430k records, a third of the real only108 file), then imports it in a
 * fresh child process and reports that process's peak RSS. The importer keeps one record in
 * memory and stages rows in a temporary SQLite file, so the peak should not grow with the file.
 *
 *   npx tsx bench/parser-memory.ts [--mb 200] [--keep]
 */
import { execFileSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { importNb101FromTfRecord } from '../src/main/benchmarks/parsers/nb101-tfrecord.ts'
import { encodeModelMetrics } from '../src/main/benchmarks/parsers/nb101-metrics.ts'
import { frameTfRecord } from '../src/main/benchmarks/parsers/tfrecord.ts'
import { SeededRandom } from '../src/main/core/random.ts'
import { openBenchmarkStore } from '../src/main/store/benchmarks.ts'

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '200' },
    keep: { type: 'boolean', default: false },
    'import-only': { type: 'string' },
  },
})

if (values['import-only'] !== undefined) {
  await importOnly(values['import-only'])
} else {
  await main(Number(values.mb))
}

async function main(megabytes: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'epsinas-parser-memory-'))
  try {
    const path = join(dir, 'big.tfrecord')
    const started = performance.now()
    const records = generate(path, megabytes * 1024 * 1024)
    const size = statSync(path).size
    console.log(`generated ${(size / 1024 / 1024).toFixed(0)} MB, ${records} records in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    const output = execFileSync(process.execPath, [...process.execArgv, import.meta.filename, '--import-only', path], { encoding: 'utf8' })
    process.stdout.write(output)
  } finally {
    if (!values.keep) rmSync(dir, { recursive: true, force: true })
  }
}

/** Three runs per module, as in only108; hashes are distinct random hex. */
function generate(path: string, bytes: number): number {
  const random = new SeededRandom(1)
  const fd = openSync(path, 'w')
  let written = 0
  let records = 0
  const hex = (): string => Array.from({ length: 4 }, () => random.nextUint32().toString(16).padStart(8, '0')).join('')
  try {
    while (written < bytes) {
      const hash = hex()
      const params = 1e5 + random.nextInt(3e7)
      for (let run = 0; run < 3; run++) {
        const evaluation = (t: number): { currentEpoch: number; trainingTime: number; trainAccuracy: number; validationAccuracy: number; testAccuracy: number } => ({
          currentEpoch: 108 * t,
          trainingTime: 1000 * t + random.nextFloat(),
          trainAccuracy: random.nextFloat(),
          validationAccuracy: random.nextFloat(),
          testAccuracy: random.nextFloat(),
        })
        const metrics = encodeModelMetrics({ evaluations: [evaluation(0), evaluation(0.5), evaluation(1)], trainableParameters: params })
        const row = JSON.stringify([
          hash,
          108,
          '0111110001001000000100000010000000100000000100000',
          'input,conv1x1-bn-relu,conv3x3-bn-relu,conv3x3-bn-relu,conv3x3-bn-relu,maxpool3x3,output',
          metrics.toString('base64'),
        ])
        const framed = frameTfRecord(Buffer.from(row))
        writeSync(fd, framed)
        written += framed.length
        records++
      }
    }
  } finally {
    closeSync(fd)
  }
  return records
}

async function importOnly(path: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'epsinas-parser-memory-db-'))
  const store = openBenchmarkStore(join(dir, 'cache.db'))
  let peakHeap = 0
  const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 50)
  try {
    const before = process.resourceUsage().maxRSS
    const started = performance.now()
    const result = await importNb101FromTfRecord(store, path)
    const seconds = (performance.now() - started) / 1000
    const mb = statSync(path).size / 1024 / 1024
    console.log(`imported ${result.records} records -> ${result.items} modules in ${seconds.toFixed(1)} s (${(mb / seconds).toFixed(0)} MB/s)`)
    console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (at start ${(before / 1024).toFixed(0)} MiB), peak heap ${(peakHeap / 1024 / 1024).toFixed(0)} MiB`)
  } finally {
    clearInterval(sampler)
    store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
