import { writeFile } from 'node:fs/promises'
import { Command, Option } from 'commander'
import { computeEpsilonStats, type EpsilonStats } from '../core/stats/index.ts'
import { DEFAULT_SPACE_ID, getSpace, spaceIds } from '../core/spaces/registry.ts'
import { joinScoresWithAccuracies, readAccuraciesFile, readScoresFile } from '../services/score-files.ts'
import { defaultDatabasePath } from '../services/paths.ts'
import type { AccuracySplit } from '../benchmarks/accuracy-tables.ts'
import { spaceBenchmarkData } from '../benchmarks/space-data/index.ts'
import { openBenchmarkStore } from '../store/benchmarks.ts'
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
  const stats = computeEpsilonStats(joined.scores, joined.accuracies, { lowerIsBetter: target.lowerIsBetter })
  const notes: string[] = target.note === null ? [] : [target.note]
  if (joined.onlyInScores > 0) notes.push(`${joined.onlyInScores} scored architectures have no accuracy and are left out`)
  if (joined.onlyInAccuracies > 0) notes.push(`${joined.onlyInAccuracies} architectures with an accuracy have no score`)
  process.stdout.write(`${formatStatsTable(stats)}\n${notes.map((note) => `note: ${note}\n`).join('')}`)
  if (options.json) {
    try {
      await writeFile(options.json, `${JSON.stringify(stats, null, 1)}\n`)
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

/** Two aligned columns; undefined values print as n/a. */
export function formatStatsTable(stats: EpsilonStats): string {
  const width = Math.max(...ROWS.map(([, label]) => label.length))
  return ROWS.map(([key, label, digits]) => {
    const value = stats[key]
    return `${label.padEnd(width)}  ${value === null ? 'n/a' : value.toFixed(digits)}`
  }).join('\n')
}
