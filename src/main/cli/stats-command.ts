import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { Command, Option } from 'commander'
import { compareOnCommonArchs, statsWithIntervals, type EpsilonStats, type ProxyComparison, type StatsWithIntervals } from '../core/stats/index.ts'
import { DEFAULT_SPACE_ID, getSpace, spaceIds } from '../core/spaces/registry.ts'
import { joinScoresWithAccuracies, readAccuraciesFile, readScoresFile } from '../services/score-files.ts'
import { defaultDatabasePath } from '../services/paths.ts'
import type { AccuracySplit } from '../benchmarks/accuracy-tables.ts'
import { spaceBenchmarkData } from '../benchmarks/space-data/index.ts'
import { openBenchmarkStore, type BenchmarkStore } from '../store/benchmarks.ts'
import { checkRankProxiesInstalled, DEFAULT_RANK_PROXIES, parseRankWith, rankArchs, type ArchRanking } from '../services/ranking.ts'
import { proxyColumns, type ProxyColumn } from '../services/proxy-columns.ts'
import { EPSILON_SIGNAL, placementCounts } from '../core/ranking/full-coverage.ts'
import type { DatasetId, SpaceId } from '../../shared/types.ts'
import { EpsinasError } from '../../shared/errors.ts'
import { checkOutputFile } from './output-file.ts'
import { describeRankCoverage } from './score-output.ts'

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
  rankWith?: string[]
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
    .option('--rank-with <list>', `proxies of the full-coverage rank besides epsilon and parameters, comma-separated, or none: installed Suite-Zero names, or native ones from epsinas proxies (native:NAME; a plain NAME is Suite-Zero's where installed) (default: ${DEFAULT_RANK_PROXIES.join(',')} where either has them; docs/ranking.md)`, parseRankWith)
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
  const benchmarks = existsSync(options.db) ? benchmarksOrNote(options.db, notes) : null
  let proxies: ProxyColumn[]
  let ranking: ArchRanking
  try {
    if (options.rankWith !== undefined && options.rankWith.length > 0) checkRankWith(options.rankWith, options, dataset, benchmarks)
    proxies = benchmarks ? proxiesOrNote(benchmarks, options.space, dataset, joined.archs, notes) : []
    ranking = rankEveryScoredArch(options, dataset, scores, benchmarks)
  } finally {
    benchmarks?.close()
  }
  notes.push(...ranking.notes)
  const like = proxies.length > 0 ? withSources(compareOnCommonArchs([{ name: 'epsilon', scores: joined.scores }, ...proxies.map(({ name, values }) => ({ name, scores: values }))], joined.accuracies, statsOptions), proxies) : null
  for (const proxy of proxies) if (proxy.source === 'native') notes.push(`${proxy.name}: ${proxy.description}`)
  const stats = like?.rows[0].own ?? statsWithIntervals(joined.scores, joined.accuracies, statsOptions)
  // Rank 1 is the best: its negation is a score where higher is better, every joined arch finite.
  const rankOf = new Map([...scores.keys()].map((arch, i) => [arch, -ranking.rank[i]]))
  const fullCoverage = statsWithIntervals(joined.archs.map((arch) => rankOf.get(arch) ?? null), joined.accuracies, statsOptions)
  const coverage = { scored: scores.size, nan: [...scores.values()].filter((s) => s === null || !Number.isFinite(s)).length, joined: joined.archs.length }
  if (joined.onlyInScores > 0) notes.push(`${joined.onlyInScores} scored architectures have no accuracy and are left out`)
  if (joined.onlyInAccuracies > 0) notes.push(`${joined.onlyInAccuracies} architectures with an accuracy have no score`)
  const coverageLine = `coverage: ${coverage.scored} scored, ${coverage.nan} NaN, ${coverage.joined} joined with accuracies`
  const proxyTable = like ? `\n${formatProxyTable(like, joined.archs.length)}\n` : ''
  const rankTable = `${describeRankCoverage(ranking)}\n${formatFullCoverageTable(stats, fullCoverage)}\n`
  process.stdout.write(`${coverageLine}\n${formatStatsTable(stats)}\n${rankTable}${proxyTable}${notes.map((note) => `note: ${note}\n`).join('')}`)
  if (options.json) {
    const rankJson = { ...fullCoverage, signals: [EPSILON_SIGNAL, ...ranking.aggregateOf], placed: placementCounts(ranking.placedBy) }
    try {
      await writeFile(options.json, `${JSON.stringify({ ...stats, coverage, fullCoverage: rankJson, proxies: like }, null, 1)}\n`)
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

/**
 * The benchmark tables of --db for the proxies and the ranking; they only add to the statistics, so
 * a --db that cannot give them (another application's file) is a note, not a failure.
 */
function benchmarksOrNote(db: string, notes: string[]): BenchmarkStore | null {
  try {
    return openBenchmarkStore(db, { readOnly: true })
  } catch (error) {
    if (!(error instanceof EpsinasError)) throw error
    notes.push(`other proxies not compared: ${error.message}`)
    return null
  }
}

/**
 * Every proxy of both sources aligned with `archs` (null: NaN or not scored): the installed
 * Suite-Zero ones and the native ones of the same cache file; stale Suite-Zero tables are a note.
 */
function proxiesOrNote(benchmarks: BenchmarkStore, space: SpaceId, dataset: StatsDataset, archs: readonly string[], notes: string[]): ProxyColumn[] {
  const read = proxyColumns(benchmarks, space, dataset, archs)
  if (read.unreadable !== null) notes.push(`installed proxies not compared: ${read.unreadable}`)
  return read.columns
}

/** A proxy's comparison with where its values come from (null for epsilon, the scores file itself). */
type SourcedComparison = ProxyComparison & { source: ProxyColumn['source'] | null; description: string | null }

/** The comparison's rows, each with its proxy's source and description. */
function withSources(like: { commonArchs: number; rows: ProxyComparison[] }, proxies: readonly ProxyColumn[]): { commonArchs: number; rows: SourcedComparison[] } {
  const byName = new Map(proxies.map((proxy) => [proxy.name, proxy]))
  return { ...like, rows: like.rows.map((row) => ({ ...row, source: byName.get(row.proxy)?.source ?? null, description: byName.get(row.proxy)?.description ?? null })) }
}

/** The table's word for a source. */
const SOURCE_LABEL: Record<ProxyColumn['source'], string> = { 'suite-zero': 'Suite-Zero (published)', native: 'native (epsinas proxies)' }

/** Proxies named with --rank-with must be installed: a name typed wrong is an error, not a quieter ranking. */
function checkRankWith(names: readonly string[], options: StatsOptions, dataset: StatsDataset, benchmarks: BenchmarkStore | null): void {
  if (benchmarks === null) throw new EpsinasError('BAD_ARGUMENT', `--rank-with: ${names.join(', ')} not installed: no benchmark tables in ${options.db} (see epsinas data)`)
  checkRankProxiesInstalled(benchmarks, options.space, dataset, names)
}

/**
 * The full-coverage ranking of every arch of the scores file, by the rule `score` writes in its
 * `rank` column (docs/ranking.md): so a file written by `score` with the same --rank-with gets the
 * same ranks, and any other scores file gets them too.
 */
function rankEveryScoredArch(options: StatsOptions, dataset: StatsDataset, scores: ReadonlyMap<string, number | null>, benchmarks: BenchmarkStore | null): ArchRanking {
  const space = getSpace(options.space)
  // WikiText-2 is not a dataset recepies are built for; its vocabulary changes only the embedding
  // and decoder, the same in every recepie, so PTB's counts order them alike.
  const networkDataset = (space.datasets as readonly string[]).includes(dataset) ? (dataset as DatasetId) : space.datasets[0]
  return rankArchs({ space: options.space, dataset: networkDataset, archs: [...scores.keys()], epsilon: [...scores.values()], benchmarks, rankWith: options.rankWith })
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

/** Every proxy on the shared archs, then on its own coverage: n, Spearman and Kendall with their intervals, then its source. */
function formatProxyTable(like: { commonArchs: number; rows: readonly SourcedComparison[] }, joined: number): string {
  const level = Math.round((like.rows[0]?.own.intervals.level ?? 0.95) * 100)
  const columns = (stats: StatsWithIntervals): string[] => [String(stats.n), formatCell(stats.spearman, stats.intervals.spearman), formatCell(stats.kendall, stats.intervals.kendall)]
  const header = ['proxy', 'n same', `Spearman same (${level}% CI)`, `Kendall same (${level}% CI)`, 'n own', `Spearman own (${level}% CI)`, `Kendall own (${level}% CI)`, 'source']
  const title = `proxies on the same ${like.commonArchs} of ${joined} architectures (epsilon, the accuracy and every proxy finite) and on their own coverage:`
  const source = (row: SourcedComparison): string => (row.source === null ? 'scores file' : SOURCE_LABEL[row.source])
  return [title, alignColumns([header, ...like.rows.map((row) => [row.proxy, ...columns(row.common), ...columns(row.own), source(row)])])].join('\n')
}

/** Spearman and Kendall of epsilon over its non-NaN archs beside those of the full-coverage rank over every joined arch. */
function formatFullCoverageTable(nonNaN: StatsWithIntervals, full: StatsWithIntervals): string {
  const level = Math.round(nonNaN.intervals.level * 100)
  return alignColumns([
    ['', `epsilon non-NaN, n ${nonNaN.n} (${level}% CI)`, `full-coverage rank, n ${full.n} (${level}% CI)`],
    ['Spearman rho', formatCell(nonNaN.spearman, nonNaN.intervals.spearman), formatCell(full.spearman, full.intervals.spearman)],
    ['Kendall tau-b', formatCell(nonNaN.kendall, nonNaN.intervals.kendall), formatCell(full.kendall, full.intervals.kendall)],
  ])
}

/** A statistic and its interval, `n/a` when undefined. */
function formatCell(value: number | null, interval: [number, number] | null): string {
  return value === null ? 'n/a' : `${value.toFixed(3)}${interval ? ` ${formatInterval(interval)}` : ''}`
}

/** Rows of cells padded into columns two spaces apart. */
function alignColumns(table: readonly string[][]): string {
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)))
  return table.map((row) => row.map((text, c) => text.padEnd(widths[c])).join('  ').trimEnd()).join('\n')
}

function formatInterval([low, high]: [number, number]): string {
  return `[${low.toFixed(3)}, ${high.toFixed(3)}]`
}
