import { writeFile } from 'node:fs/promises'
import { Command, Option } from 'commander'
import {
  bootstrapStability,
  DEFAULT_SELECTION_STRATEGY,
  evaluateStrategies,
  explainSelection,
  formatEvaluation,
  getStrategy,
  NumpyLegacyRandom,
  parseExponentRange,
  selectReference,
  STRATEGIES,
  strategyIds,
  weightsOf,
  type PairVerdict,
  type SelectionMetric,
  type SweepTable,
} from '../core/weights/index.ts'
import { sweepTable } from '../services/sweeps.ts'
import { saveSweepEvaluation } from '../services/sweep-evaluations.ts'
import { EpsinasError } from '../../shared/errors.ts'
import { allArchs } from './arch-selection.ts'
import { checkOutputFile } from './output-file.ts'
import { parseInteger, parseNumber } from './parse.ts'
import { failUnlessDone, runJobInForeground } from './run-job.ts'
import { addSweepOptions, startSweep, type SweepOptions } from './sweep-command.ts'

interface SelectOptions extends SweepOptions {
  strategy: string
  evaluate?: boolean
  nanThreshold: number
  metric?: SelectionMetric
  bootstrap: number
  json?: string
}

/** The reference draws its sample with numpy's legacy generator seeded with 21 (metric.md section 6). */
const REFERENCE_SEED = 21

/** `epsinas select-weights`: the automatic, NaN-aware choice of the weight pair for a search space. */
export function selectWeightsCommand(): Command {
  const command = new Command('select-weights')
    .description('choose the weight pair automatically from a sweep of a sample (NaN-aware)')
    .addOption(new Option('--strategy <name>', STRATEGIES.map((s) => `${s.id}: ${s.description}`).join('; ')).choices(strategyIds()).default(DEFAULT_SELECTION_STRATEGY))
    .option('--evaluate', 'with --accuracies: run every strategy on the sweep and print each one\'s pair, coverage, Spearman, Kendall, full-coverage Spearman and regret')
    .option('--nan-threshold <f>', 'largest acceptable NaN fraction (exclusive), in (0, 1]', parseNumber('--nan-threshold'), 0.1)
    .addOption(new Option('--metric <name>', 'with --accuracies and --strategy grid: maximise this statistic among pairs under the threshold').choices(['spearman', 'kendall', 'spearman_top10', 'kendall_top10', 'top10_top10', 'top64_top5']))
    .option('--bootstrap <n>', 'bootstrap resamples for the stability figure (0: none)', parseInteger('--bootstrap', 0), 200)
    .option('--json <file>', 'also write the answer as JSON')
  return addSweepOptions(command, '-7..0').action(async (options: SelectOptions) => {
    await runSelect(options)
  })
}

async function runSelect(options: SelectOptions): Promise<void> {
  if (options.json) checkOutputFile('--json', options.json)
  if (!(options.nanThreshold > 0 && options.nanThreshold <= 1)) {
    throw new EpsinasError('BAD_ARGUMENT', `--nan-threshold is a fraction in (0, 1] (got ${options.nanThreshold})`)
  }
  if (options.metric && !options.accuracies) throw new EpsinasError('BAD_ARGUMENT', `--metric ${options.metric} needs --accuracies FILE`)
  if (options.evaluate) {
    if (!options.accuracies) throw new EpsinasError('BAD_ARGUMENT', '--evaluate needs --accuracies FILE')
    if (options.metric) throw new EpsinasError('BAD_ARGUMENT', '--evaluate judges the label-free choices; it takes no --metric')
    return runEvaluation(options)
  }
  if (options.metric && options.strategy !== 'grid') throw new EpsinasError('BAD_ARGUMENT', `the ${options.strategy} strategy uses no metric; use --strategy grid with --metric`)
  const [low, high] = parseExponentRange(options.exponents)
  if (options.strategy === 'reference') {
    if (!Number.isInteger(low) || !Number.isInteger(high) || options.step !== 1) {
      throw new EpsinasError('BAD_ARGUMENT', 'the reference strategy slides over integer exponents with step 1')
    }
    if (options.archs) throw new EpsinasError('BAD_ARGUMENT', 'the reference strategy draws its own sample (numpy seed 21); use --strategy grid with --archs')
    // np.random.seed(21); np.random.choice(len(space), 100): with replacement, repeats count. The
    // indices name the reference's cells only in the benchmark's order (installed NATS in --db).
    const space = allArchs(options.space, options.db)
    const drawn = new NumpyLegacyRandom(REFERENCE_SEED).choice(space.length, options.sample).map((i) => space[i])
    const unique = [...new Set(drawn)]
    return runWith(options, { archs: unique, draws: drawn.map((arch) => unique.indexOf(arch)) })
  }
  return runWith(options, {})
}

async function runWith(options: SelectOptions, sample: { archs?: string[]; draws?: number[] }): Promise<void> {
  const started = performance.now()
  const { store, jobId } = await startSweep(options, sample.archs ? { kind: 'list', archs: sample.archs } : undefined)
  try {
    const outcome = await runJobInForeground(store, jobId, { progress: options.progress })
    failUnlessDone(outcome)
    const table = await sweepTable(store, jobId)
    const [low, high] = parseExponentRange(options.exponents)
    const strategy = getStrategy(options.strategy)
    const strategyOptions = { nanThreshold: options.nanThreshold, metric: options.metric }
    const draws = sample.draws
    const result = draws
      ? selectReference(table, { low, high, draws, nanThreshold: options.nanThreshold })
      : strategy.select(table, strategyOptions)
    const stability =
      options.bootstrap > 0
        ? draws
          ? bootstrapStability(draws.length, (idx) => selectReference(table, { low, high, draws: idx.map((i) => draws[i]), nanThreshold: options.nanThreshold }).chosen?.pair ?? null, result.chosen?.pair ?? null, options.bootstrap)
          : bootstrapStability(table.archs.length, (idx) => strategy.select(table, { ...strategyOptions, indices: idx }).chosen?.pair ?? null, result.chosen?.pair ?? null, options.bootstrap)
        : undefined
    const sampleSize = draws ? draws.length : table.archs.length
    const explanation = explainSelection(options.strategy, result, { sampleSize, nanThreshold: options.nanThreshold, metric: options.metric, stability })
    const seconds = (performance.now() - started) / 1000
    process.stdout.write(`${explanation}\n(${options.strategy} strategy, job ${jobId}, ${seconds.toFixed(1)} s)\n`)
    if (options.json) {
      const verdict = (v: PairVerdict | null) => (v ? { weights: weightsOf(v.pair), exponents: [v.pair.low, v.pair.high], nan_fraction: v.nanFraction, metric: v.metricValue } : null)
      const answer = {
        strategy: options.strategy,
        chosen: verdict(result.chosen),
        runner_up: verdict(result.runnerUp),
        stability: stability ?? null,
        sample_size: sampleSize,
        nan_threshold: options.nanThreshold,
        metric: options.metric ?? null,
        explanation,
        // The strategy's own reason (plateau: its members); then `metric` of each pair is the strategy's score.
        evidence: result.evidence ?? null,
        considered: result.considered.map(verdict),
        job: jobId,
        seconds,
      }
      await writeJson(options.json, answer)
    }
    if (!result.chosen) throw new EpsinasError('BAD_ARGUMENT', 'no weight pair passed the NaN threshold')
  } finally {
    store.close()
  }
}

async function writeJson(path: string, value: unknown): Promise<void> {
  try {
    await writeFile(path, `${JSON.stringify(value, null, 1)}\n`)
  } catch (error) {
    throw new EpsinasError('BAD_FILE', `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
}

/** --evaluate: the sweep (from the cache where scored before), then every strategy judged against the accuracies. */
async function runEvaluation(options: SelectOptions): Promise<void> {
  const started = performance.now()
  const { store, jobId } = await startSweep(options)
  let table: SweepTable
  try {
    failUnlessDone(await runJobInForeground(store, jobId, { progress: options.progress }))
    table = await sweepTable(store, jobId)
  } finally {
    store.close()
  }
  const evaluation = evaluateStrategies(table, STRATEGIES, { nanThreshold: options.nanThreshold })
  saveSweepEvaluation(options.db, jobId, table, evaluation, options.nanThreshold)
  const seconds = (performance.now() - started) / 1000
  process.stdout.write(`${formatEvaluation(evaluation)}\n(${evaluation.archs} archs with accuracies, NaN threshold ${options.nanThreshold}, job ${jobId}, ${seconds.toFixed(1)} s)\n`)
  if (options.json) await writeJson(options.json, { ...evaluation, nan_threshold: options.nanThreshold, job: jobId, seconds })
}
