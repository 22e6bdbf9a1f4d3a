import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { Command, Option } from 'commander'
import { compareOnCommonArchs, statsWithIntervals, type EpsilonStats, type ProxyComparison, type StatsWithIntervals } from '../core/stats/index.ts'
import { DEFAULT_SPACE_ID, getSpace, spaceIds } from '../core/spaces/registry.ts'
import { joinScoresWithAccuracies, readAccuraciesFile, readScoresFile } from '../services/score-files.ts'
import { defaultDatabasePath } from '../services/paths.ts'
import type { AccuracySplit } from '../benchmarks/accuracy-tables.ts'
import { spaceBenchmarkData } from '../benchmarks/space-data/index.ts'
import { benchmarkKey, SUITE_ZERO_ACCURACY } from '../benchmarks/installed-accuracies.ts'
import { listProxies, openBenchmarkStore, proxyScores } from '../store/benchmarks.ts'
import type { DatasetId, SpaceId } from '../../shared/types.ts'
import { EpsinasError } from '../../shared/errors.ts'
import { checkOutputFile } from './output-file.ts'

/** The datasets installed accuracies exist for: the image datasets, and PTB / WikiText-2 for NB-NLP. */
type StatsDataset = DatasetId | 'wikitext-2'

interface StatsOptions {
  space: SpaceId
  scores: string
  accuracies?: string
  db: string
  /** Default: ptb for nbnlp, cifar10 otherwise; wikitext-2 only for nbnlp. */
  dataset?: StatsDataset
  /** Default: test when the benchmark's trained accuracies are installed, else what is (Suite-Zero: valid). */
  split?: AccuracySplit
  json?: string
}

/** `epsinas stats`: the statistics of metric.md section 5 for a scores file against an accuracies file. */
export function statsCommand(): Command {
  return new Command('stats')
    .description('correlate epsilon scores with trained accuracies (Spearman, Kendall, top-10%, top-64)')
    .addOption(new Option('--space <space>', 'search space of the arch ids').choices(spaceIds()).default(DEFAULT_SPACE_ID))
    .requiredOption('--scores <file>', 'scores (CSV with arch,epsilon or the JSON written by epsinas score)')
    .option('--accuracies <file>', 'accuracies CSV with header arch,accuracy (default: the installed benchmark accuracies, see epsinas data)')
    .option('--db <file>', 'SQLite cache holding the installed benchmark tables (epsinas data convert)', defaultDatabasePath())
    .addOption(new Option('--dataset <dataset>', 'dataset of the installed accuracies (default: ptb for nbnlp, else cifar10)').choices(['cifar10', 'cifar100', 'ImageNet16-120', 'ptb', 'wikitext-2']))
    .addOption(
      new Option('--split <split>', 'installed accuracy: final test or validation, as epsinas defines them (default: test, or validation where only NAS-Bench-Suite-Zero is installed)').choices(['test', 'valid']),
    )
    .option('--json <file>', 'also write the statistics as JSON')
    .action(async (options: StatsOptions) => {
      await runStats(options)
    })
}

async function runStats(options: StatsOptions): Promise<void> {
  if (options.json) checkOutputFile('--json', options.json)
  const space = getSpace(options.space)
  const normalize = (arch: string): string => space.normalize(arch)
  const scores = await readScoresFile(options.scores, { normalizeArch: normalize })
  const dataset = options.dataset ?? space.datasets[0]
  const target =
    options.accuracies === undefined
      ? installed(options, dataset, scores.keys())
      : { values: await readAccuraciesFile(options.accuracies, { normalizeArch: normalize }), note: null, lowerIsBetter: false }
  const accuracies = target.values
  const from = options.accuracies ?? `the installed ${options.space} ${dataset} accuracies (${options.db})`
  const joined = joinScoresWithAccuracies(scores, accuracies)
  if (joined.archs.length === 0) {
    throw new EpsinasError('BAD_FILE', `no architecture of ${options.scores} appears in ${from}`)
  }
  // Installed NB-NLP targets are losses: lower is better (metric.md section 5).
  const statsOptions = { lowerIsBetter: target.lowerIsBetter }
  const notes: string[] = target.note === null ? [] : [target.note]
  const proxies = existsSync(options.db) ? proxiesOrNote(options, dataset, joined.archs, notes) : []
  const like = proxies.length > 0 ? compareOnCommonArchs([{ name: 'epsilon', scores: joined.scores }, ...proxies], joined.accuracies, statsOptions) : null
  const stats = like?.rows[0].own ?? statsWithIntervals(joined.scores, joined.accuracies, statsOptions)
  const coverage = { scored: scores.size, nan: [...scores.values()].filter((s) => s === null || !Number.isFinite(s)).length, joined: joined.archs.length }
  if (joined.onlyInScores > 0) notes.push(`${joined.onlyInScores} scored architectures have no accuracy and are left out`)
  if (joined.onlyInAccuracies > 0) notes.push(`${joined.onlyInAccuracies} architectures with an accuracy have no score`)
  const coverageLine = `coverage: ${coverage.scored} scored, ${coverage.nan} NaN, ${coverage.joined} joined with accuracies`
  const proxyTable = like ? `\n${formatProxyTable(like, joined.archs.length)}\n` : ''
  process.stdout.write(`${coverageLine}\n${formatStatsTable(stats)}\n${proxyTable}${notes.map((note) => `note: ${note}\n`).join('')}`)
  if (options.json) {
    try {
      await writeFile(options.json, `${JSON.stringify({ ...stats, coverage, proxies: like }, null, 1)}\n`)
    } catch (error) {
      throw new EpsinasError('BAD_FILE', `cannot write ${options.json}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
    }
  }
}

/** Accuracies (or losses) of the scored archs from the benchmark tables: only those, so no "have no score" note for the rest of the benchmark. */
function installed(options: StatsOptions, dataset: StatsDataset, archs: Iterable<string>): { values: Map<string, number>; note: string | null; lowerIsBetter: boolean } {
  const target = spaceBenchmarkData(options.space).statsTarget
  if (!target) throw new EpsinasError('BAD_ARGUMENT', `no installed accuracies for the ${options.space} space; pass --accuracies FILE`)
  if (!target.datasets.includes(dataset)) {
    throw new EpsinasError('BAD_ARGUMENT', `--dataset ${dataset} has no ${options.space} accuracies: the installed ${options.space} ones are for ${target.datasets.join(', ')}`)
  }
  const store = openBenchmarkStore(options.db, { readOnly: true })
  try {
    const { values, note } = target.values(store, dataset, options.split, archs)
    return { values, note, lowerIsBetter: target.lowerIsBetter }
  } finally {
    store.close()
  }
}

/** The installed proxies; they only add a table, so a --db that cannot give them (another application's file, stale tables) is a note, not a failure. */
function proxiesOrNote(options: StatsOptions, dataset: StatsDataset, archs: readonly string[], notes: string[]): Array<{ name: string; scores: Array<number | null> }> {
  try {
    return installedProxies(options, dataset, archs)
  } catch (error) {
    if (!(error instanceof EpsinasError)) throw error
    notes.push(`other proxies not compared: ${error.message}`)
    return []
  }
}

/**
 * Suite-Zero's proxies installed in --db for the space and dataset, aligned with `archs` (null:
 * NaN or not scored by that proxy); none when nothing is installed. Keyed like the accuracies,
 * by the space's benchmark key (NB101: module hash).
 */
function installedProxies(options: StatsOptions, dataset: StatsDataset, archs: readonly string[]): Array<{ name: string; scores: Array<number | null> }> {
  const store = openBenchmarkStore(options.db, { readOnly: true })
  try {
    const toKey = benchmarkKey(options.space)
    const keys = archs.map(toKey)
    return listProxies(store, options.space, dataset)
      .filter((name) => name !== SUITE_ZERO_ACCURACY)
      .map((name) => {
        const values = proxyScores(store, options.space, dataset, name)
        return { name, scores: keys.map((key) => values.get(key) ?? null) }
      })
  } finally {
    store.close()
  }
}

const ROWS: ReadonlyArray<[keyof EpsilonStats, string, number]> = [
  ['n', 'architectures used (n)', 0],
  ['nan', 'dropped (NaN score or accuracy)', 0],
  ['spearman', 'Spearman rho', 3],
  ['kendall', 'Kendall tau-b', 3],
  ['spearman_top10', 'Spearman rho, top-10% accuracy', 3],
  ['kendall_top10', 'Kendall tau-b, top-10% accuracy', 3],
  ['top10_top10', 'top-10% score in top-10% accuracy (%)', 1],
  ['top64_top5', 'top-64 score in top-5% accuracy', 0],
]

/** Two aligned columns, the bootstrap interval beside Spearman and Kendall; undefined values print as n/a. */
export function formatStatsTable(stats: StatsWithIntervals): string {
  const width = Math.max(...ROWS.map(([, label]) => label.length))
  const level = Math.round(stats.intervals.level * 100)
  return ROWS.map(([key, label, digits]) => {
    const value = stats[key]
    const interval = key === 'spearman' || key === 'kendall' ? stats.intervals[key] : undefined
    const range = interval ? `  ${level}% CI ${formatInterval(interval)}` : ''
    return `${label.padEnd(width)}  ${value === null ? 'n/a' : value.toFixed(digits)}${range}`
  }).join('\n')
}

/** Every proxy on the shared archs, then on its own coverage: n, Spearman and Kendall with their intervals. */
function formatProxyTable(like: { commonArchs: number; rows: readonly ProxyComparison[] }, joined: number): string {
  const level = Math.round((like.rows[0]?.own.intervals.level ?? 0.95) * 100)
  const cell = (value: number | null, interval: [number, number] | null): string => (value === null ? 'n/a' : `${value.toFixed(3)}${interval ? ` ${formatInterval(interval)}` : ''}`)
  const columns = (stats: StatsWithIntervals): string[] => [String(stats.n), cell(stats.spearman, stats.intervals.spearman), cell(stats.kendall, stats.intervals.kendall)]
  const header = ['proxy', 'n same', `Spearman same (${level}% CI)`, `Kendall same (${level}% CI)`, 'n own', `Spearman own (${level}% CI)`, `Kendall own (${level}% CI)`]
  const table = [header, ...like.rows.map((row) => [row.proxy, ...columns(row.common), ...columns(row.own)])]
  const widths = header.map((_, c) => Math.max(...table.map((row) => row[c].length)))
  const title = `proxies on the same ${like.commonArchs} of ${joined} architectures (epsilon, the accuracy and every proxy finite) and on their own coverage:`
  return [title, ...table.map((row) => row.map((text, c) => text.padEnd(widths[c])).join('  ').trimEnd())].join('\n')
}

function formatInterval([low, high]: [number, number]): string {
  return `[${low.toFixed(3)}, ${high.toFixed(3)}]`
}
