import { writeFile } from 'node:fs/promises'
import { Command } from 'commander'
import { exponentGrid, parseExponentRange } from '../core/weights/index.ts'
import { createJob } from '../jobs/job-runner.ts'
import { sweepSpec } from '../services/sweeps.ts'
import { checkInputInstalled } from '../data/index.ts'
import { openStore, type SweepResultRow } from '../store/index.ts'
import type { EpsilonStats } from '../core/stats/index.ts'
import { EpsinasError } from '../../shared/errors.ts'
import { noteOnStderr, selectArchs, type ArchSelection } from './arch-selection.ts'
import { checkOutputFile } from './output-file.ts'
import { parseInteger, parseNumber } from './parse.ts'
import { failUnlessDone, runJobInForeground } from './run-job.ts'
import { addScoringOptions, jobSpecOf, type ScoringOptions } from './scoring-options.ts'

/** Options of commands that score a sample under a grid of weight pairs. */
export interface SweepOptions extends ScoringOptions {
  archs?: string
  all?: boolean
  sample: number
  seed: number
  exponents: string
  step: number
  accuracies?: string
}

/** Adds the sample and grid options. */
export function addSweepOptions(command: Command, defaultExponents: string): Command {
  command
    .option('--archs <file>', 'file with one architecture per line (default: a seeded sample)')
    .option('--all', 'every architecture of the space instead of a sample (e.g. an imported space)')
    .option('--sample <n>', 'size of the seeded random sample', parseInteger('--sample', 1), 100)
    .option('--seed <s>', 'seed of the sample', parseInteger('--seed', 0), 0)
    .option('--exponents <a..b>', 'exponent range of the weight grid, 10^a .. 10^b', defaultExponents)
    .option('--step <s>', 'exponent step', parseNumber('--step'), 1)
    .option('--accuracies <file>', 'accuracies CSV (arch,accuracy): adds the section-5 statistics per pair')
  return addScoringOptions(command)
}

/** Checks the options and creates the sweep job; returns its id with the open store. */
export async function startSweep(options: SweepOptions, selection?: ArchSelection) {
  const [low, high] = parseExponentRange(options.exponents)
  const exponents = exponentGrid(low, high, options.step)
  if (options.all && options.archs) throw new EpsinasError('BAD_ARGUMENT', 'choose one of --archs FILE, --all')
  const chosen: ArchSelection = options.archs ? { kind: 'file', path: options.archs } : options.all ? { kind: 'all', db: options.db } : { kind: 'sample', limit: options.sample, seed: options.seed }
  const archs = await selectArchs(options.space, selection ?? chosen, noteOnStderr)
  const base = jobSpecOf('sweep', options, [], options.accuracies ? { accuracies: options.accuracies } : {})
  const spec = sweepSpec(base, exponents)
  await checkInputInstalled(base.input, base.dataset)
  const store = openStore(options.db)
  const jobId = createJob(store, spec, archs)
  process.stderr.write(`job ${jobId}: sweeping ${new Set(archs).size} architectures x ${spec.pairs.length} weight pairs (exponents ${exponents.join(', ')})\n`)
  return { store, jobId }
}

/** `epsinas sweep`: the weight-ablation grid (the structure of the paper's Tables 5-7). */
export function sweepCommand(): Command {
  const command = new Command('sweep').description('score a sample under every weight pair (10^a, 10^b), a < b, of an exponent grid').option('--out <file>', 'write the per-pair table to FILE.csv or FILE.json')
  return addSweepOptions(command, '-7..1').action(async (options: SweepOptions & { out?: string }) => {
    if (options.out) checkOutputFile('--out', options.out)
    const { store, jobId } = await startSweep(options)
    try {
      const outcome = await runJobInForeground(store, jobId, { progress: options.progress })
      failUnlessDone(outcome)
      const rows = store.jobs.sweepResults(jobId)
      process.stdout.write(`${formatSweepTable(rows)}\n`)
      if (options.out) await writeSweep(options.out, rows)
    } finally {
      store.close()
    }
  })
}

const STAT_COLUMNS = ['spearman', 'kendall', 'spearman_top10', 'kendall_top10', 'top10_top10', 'top64_top5'] as const

function statsOf(row: SweepResultRow): EpsilonStats | null {
  return row.stats === null ? null : (JSON.parse(row.stats) as EpsilonStats)
}

/** The per-pair table: weights, n, NaN count and fraction, and the statistics when known. */
export function formatSweepTable(rows: readonly SweepResultRow[]): string {
  const withStats = rows.some((row) => row.stats !== null)
  const header = ['w_low', 'w_high', 'n', 'NaN', 'NaN%', ...(withStats ? STAT_COLUMNS : [])]
  const lines = rows.map((row) => {
    const stats = statsOf(row)
    const cells = [`1e${row.exponents[0]}`, `1e${row.exponents[1]}`, String(row.n), String(row.nan), ((100 * row.nan) / Math.max(row.n, 1)).toFixed(1)]
    if (withStats) cells.push(...STAT_COLUMNS.map((key) => (stats?.[key] ?? null) === null ? 'n/a' : (stats?.[key] as number).toFixed(key === 'top64_top5' ? 0 : 2)))
    return cells
  })
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((cells) => cells[i].length)))
  return [header, ...lines].map((cells) => cells.map((cell, i) => cell.padStart(widths[i])).join('  ')).join('\n')
}

async function writeSweep(path: string, rows: readonly SweepResultRow[]): Promise<void> {
  const records = rows.map((row) => ({ w_low: row.weights[0], w_high: row.weights[1], exp_low: row.exponents[0], exp_high: row.exponents[1], n: row.n, nan: row.nan, nan_fraction: row.nan / Math.max(row.n, 1), failed: row.failed, ...(statsOf(row) ?? {}) }))
  const text = path.toLowerCase().endsWith('.json')
    ? `${JSON.stringify(records, null, 1)}\n`
    : (() => {
        const columns = [...new Set(records.flatMap((r) => Object.keys(r)))]
        return `${columns.join(',')}\n${records.map((r) => columns.map((c) => String((r as Record<string, unknown>)[c] ?? '')).join(',')).join('\n')}\n`
      })()
  try {
    await writeFile(path, text)
  } catch (error) {
    throw new EpsinasError('BAD_FILE', `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
}
