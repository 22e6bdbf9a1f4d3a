/**
 * Memory bound of the streaming importers: generates a file far larger than any fixture, then
 * imports it in a fresh child process and reports that process's peak RSS. Each importer keeps one
 * record / entry / log in memory and stages rows in a temporary SQLite file, so the peak should
 * not grow with the file.
 *   nb101       NB101 TFRecord, --mb MB (default 200: about 430k records, a third of only108)
 *   nats        NATS -simple tar, --nats N entries (scripts/make-large-benchmarks.py)
 *   nbnlp       NAS-Bench-NLP logs zip, --nlp N logs
 *   suite-zero  Suite-Zero JSON, --zc-copies N dataset keys of all 15,625 NB201 archs
 *
 *   npx tsx bench/parser-memory.ts [--format nb101|nats|nbnlp|suite-zero|all] [--mb 200] [--nats 1000] [--nlp 15000] [--zc-copies 20] [--keep]
 */
import { execFileSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { importNb101FromTfRecord } from '../src/main/benchmarks/parsers/nb101-tfrecord.ts'
import { importNb201FromNats } from '../src/main/benchmarks/parsers/nats.ts'
import { importNbNlpLogs } from '../src/main/benchmarks/parsers/nbnlp.ts'
import { importSuiteZero } from '../src/main/benchmarks/parsers/suite-zero.ts'
import type { ImportResult } from '../src/main/benchmarks/parsers/progress.ts'
import type { BenchmarkStore } from '../src/main/store/benchmarks.ts'
import { encodeModelMetrics } from '../src/main/benchmarks/parsers/nb101-metrics.ts'
import { frameTfRecord } from '../src/main/benchmarks/parsers/tfrecord.ts'
import { SeededRandom } from '../src/main/core/random.ts'
import { openBenchmarkStore } from '../src/main/store/benchmarks.ts'

const { values } = parseArgs({
  options: {
    format: { type: 'string', default: 'all' },
    mb: { type: 'string', default: '200' },
    nats: { type: 'string', default: '1000' },
    nlp: { type: 'string', default: '15000' },
    'zc-copies': { type: 'string', default: '20' },
    keep: { type: 'boolean', default: false },
    'import-only': { type: 'string' },
  },
})

type Format = 'nb101' | 'nats' | 'nbnlp' | 'suite-zero'
const FORMATS: readonly Format[] = ['nb101', 'nats', 'nbnlp', 'suite-zero']
const IMPORTERS: Record<Format, (store: BenchmarkStore, path: string) => Promise<ImportResult>> = {
  nb101: (store, path) => importNb101FromTfRecord(store, path),
  nats: (store, path) => importNb201FromNats(store, path),
  nbnlp: (store, path) => importNbNlpLogs(store, path),
  'suite-zero': (store, path) => importSuiteZero(store, path, undefined, { space: 'nb201' }),
}
const FILES: Record<Exclude<Format, 'nb101'>, string> = { nats: 'nats.tar', nbnlp: 'nbnlp.zip', 'suite-zero': 'zc_nasbench201.json' }

const format = values.format as Format | 'all'
if (format !== 'all' && !FORMATS.includes(format)) throw new Error(`--format must be one of ${FORMATS.join(', ')}, all`)
if (values['import-only'] !== undefined) {
  await importOnly(format as Format, values['import-only'])
} else {
  for (const f of format === 'all' ? FORMATS : [format]) await main(f)
}

async function main(which: Format): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'epsinas-parser-memory-'))
  try {
    const started = performance.now()
    let path: string
    let what: string
    if (which === 'nb101') {
      path = join(dir, 'big.tfrecord')
      what = `${generate(path, Number(values.mb) * 1024 * 1024)} records`
    } else {
      path = join(dir, FILES[which])
      const script = join(import.meta.dirname, '..', 'scripts', 'make-large-benchmarks.py')
      execFileSync('python3', [script, dir, '--only', which, '--nats', String(values.nats), '--nlp', String(values.nlp), '--zc-copies', String(values['zc-copies'])], { stdio: 'inherit' })
      what = which === 'nats' ? `${values.nats} entries` : which === 'nbnlp' ? `${values.nlp} logs` : `${Number(values['zc-copies']) * 15625} archs`
    }
    const size = statSync(path).size
    console.log(`${which}: generated ${(size / 1024 / 1024).toFixed(0)} MB, ${what} in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    const output = execFileSync(process.execPath, [...process.execArgv, import.meta.filename, '--format', which, '--import-only', path], { encoding: 'utf8' })
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

async function importOnly(which: Format, path: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'epsinas-parser-memory-db-'))
  const store = openBenchmarkStore(join(dir, 'cache.db'))
  let peakHeap = 0
  const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 50)
  try {
    const before = process.resourceUsage().maxRSS
    const started = performance.now()
    const result = await IMPORTERS[which](store, path)
    const seconds = (performance.now() - started) / 1000
    const mb = statSync(path).size / 1024 / 1024
    console.log(`${which}: imported ${result.records} records -> ${result.items} rows in ${seconds.toFixed(1)} s (${(mb / seconds).toFixed(0)} MB/s)`)
    console.log(`${which}: peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (at start ${(before / 1024).toFixed(0)} MiB), peak heap ${(peakHeap / 1024 / 1024).toFixed(0)} MiB`)
  } finally {
    clearInterval(sampler)
    store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
