import { writeFile } from 'node:fs/promises'
import { Command, InvalidArgumentError, Option } from 'commander'
import cliProgress from 'cli-progress'
import { checkInputInstalled } from '../data/index.ts'
import { getSpace } from '../core/spaces/registry.ts'
import { createJob } from '../jobs/job-runner.ts'
import { REFERENCE_POPULATION, REFERENCE_TOURNAMENT, type GuideScores, type SearchProblem, type VariantResult } from '../search/index.ts'
import { simulateStudy } from '../search/study.ts'
import { NO_GUIDE, planVariants, type VariantPlan } from '../search/variants.ts'
import { EPSILON_GUIDE, guideNames, guideOf, installedProxyGuides, searchProblem } from '../services/search.ts'
import { parseWeightPair } from '../services/score-parameters.ts'
import { openBenchmarkStore, type BenchmarkStore } from '../store/benchmarks.ts'
import { openStore } from '../store/index.ts'
import { cutInput, EpsinasError } from '../../shared/errors.ts'
import { noteOnStderr, selectArchs } from './arch-selection.ts'
import { checkOutputFile } from './output-file.ts'
import { parseInteger } from './parse.ts'
import { failUnlessDone, runJobInForeground } from './run-job.ts'
import { addScoringOptions, jobSpecOf, type ScoringOptions } from './scoring-options.ts'

interface SearchOptions extends ScoringOptions {
  algorithm: Array<'random' | 'evolution'>
  warmup: string[]
  move: string[]
  pool: number
  warmupSteps: number
  budget: number
  repeats: number
  seed: number
  weights?: string
  json?: string
  archs?: string
  accuracies?: string
}

/** `epsinas search`: random search and ageing evolution simulated over the installed accuracies or an --accuracies file (docs/search.md). */
export function searchCommand(): Command {
  const command = new Command('search')
    .description('simulate random search and ageing evolution over the installed accuracies (or --accuracies FILE) of any space, plain or guided by epsilon or a proxy (docs/search.md)')
    .addOption(new Option('--algorithm <list>', 'random, evolution, or both comma-separated').argParser(parseList('--algorithm', ['random', 'evolution'])).default(['evolution'], 'evolution'))
    .addOption(new Option('--warmup <list>', 'none, epsilon or an installed proxy, comma-separated: each a variant').argParser(parseList('--warmup')).default([NO_GUIDE], NO_GUIDE))
    .addOption(new Option('--move <list>', 'evolution: none, epsilon or an installed proxy picking each parent, comma-separated').argParser(parseList('--move')).default([NO_GUIDE], NO_GUIDE))
    .option('--pool <n>', 'warm-up pool: distinct archs drawn and scored, capped at the archs installed', parseInteger('--pool', 1), 3000)
    .option('--warmup-steps <n>', 'random search: first queries taken from the warm-up pool (the paper: 64)', parseInteger('--warmup-steps', 1), REFERENCE_POPULATION)
    .option('--budget <n>', 'trained models (accuracy look-ups) per run', parseInteger('--budget', 1), 300)
    .option('--repeats <n>', 'seeded runs per variant', parseInteger('--repeats', 1), 100)
    .option('--seed <s>', 'seed of the runs', parseInteger('--seed', 0), 0)
    .option('--weights <w1,w2>', 'epsilon guide: the weight pair of the cached scores (default: the space default)')
    .option('--json <file>', 'write per variant the best-so-far curve (median, q25, q75 per trained model) and final')
    .option('--archs <file>', 'the space: these archs (one per line, or the space\'s own arch files) with an accuracy, instead of every installed one')
    .option('--accuracies <file>', 'accuracies CSV (arch,accuracy), the oracle instead of the installed benchmark accuracies in --db (any space, imported ones included)')
  return addScoringOptions(command).action(async (options: SearchOptions) => {
    await runSearch(options)
  })
}

/** A commander parser for a comma-separated list, each item one of `allowed` when given. */
function parseList<T extends string>(name: string, allowed?: readonly T[]): (text: string) => T[] {
  return (text) => {
    const items = text.split(',').map((item) => item.trim())
    const bad = items.find((item) => item === '' || (allowed !== undefined && !allowed.includes(item as T)))
    if (bad !== undefined) throw new InvalidArgumentError(`${name} takes ${allowed ? allowed.join(', ') : 'names'}, comma-separated (got '${cutInput(text)}')`)
    return [...new Set(items)] as T[]
  }
}

async function runSearch(options: SearchOptions): Promise<void> {
  if (options.json) checkOutputFile('--json', options.json)
  const dataset = options.dataset ?? getSpace(options.space).datasets[0]
  const plans = planVariants(options.algorithm, options.warmup, options.move)
  const notes: string[] = []
  if (!options.algorithm.includes('evolution') && options.move.some((move) => move !== NO_GUIDE)) notes.push('--move picks evolution parents: random search has none, so it was not used')
  const archs = options.archs ? await selectArchs(options.space, { kind: 'file', path: options.archs, db: options.db }, noteOnStderr) : undefined
  const openTables = (): BenchmarkStore => openBenchmarkStore(options.db, { readOnly: true })
  const installed = await searchProblem({ space: options.space, dataset, db: options.db, accuraciesFile: options.accuracies, archs }, openTables)
  // Proxies are read (and a name typed wrong refused) before minutes of epsilon scoring; only
  // when named: a search over an --accuracies file needs no benchmark tables.
  const proxies = guideNames(plans).filter((name) => name !== EPSILON_GUIDE)
  let guides = new Map<string, GuideScores>()
  if (proxies.length > 0) {
    const benchmarks = openTables()
    try {
      guides = installedProxyGuides(benchmarks, options.space, dataset, installed.problem.archs, proxies, notes)
    } finally {
      benchmarks.close()
    }
  }
  const { problem } = installed
  if (guideNames(plans).includes(EPSILON_GUIDE)) guides.set(EPSILON_GUIDE, await epsilonGuide(options, problem.archs, notes))
  const pool = Math.min(options.pool, problem.archs.length)
  if (pool < options.pool && plans.some((plan) => plan.warmup !== NO_GUIDE)) notes.push(`--pool ${options.pool} capped at the ${problem.archs.length} archs with accuracies`)
  const results = runVariants(problem, plans, guides, { ...options, pool })
  process.stdout.write(
    `${problem.archs.length} archs with ${options.accuracies === undefined ? 'installed ' : ''}${options.space} ${dataset} accuracies; curve: ${installed.reported}; parents by: ${installed.selection}\n` +
      `budget ${options.budget} trained models, ${options.repeats} repeats, seed ${options.seed}: best accuracy found, median [q25, q75]\n` +
      `${formatFinalTable(plans, results)}\n${notes.map((note) => `note: ${note}\n`).join('')}`,
  )
  if (options.json) {
    const json = {
      space: options.space,
      dataset,
      archs: problem.archs.length,
      reported: installed.reported,
      selection: installed.selection,
      budget: options.budget,
      repeats: options.repeats,
      seed: options.seed,
      pool,
      warmupSteps: options.warmupSteps,
      population: REFERENCE_POPULATION,
      tournament: REFERENCE_TOURNAMENT,
      notes,
      variants: plans.map((plan, i) => ({ ...plan, curve: results[i].curve, final: results[i].final })),
    }
    try {
      await writeFile(options.json, `${JSON.stringify(json)}\n`)
    } catch (error) {
      throw new EpsinasError('BAD_FILE', `cannot write ${options.json}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
    }
  }
}

/**
 * Epsilon of every arch of the oracle from the score cache, the missing ones scored first by a score
 * job (progress bar; resumable with epsinas jobs resume); NaN epsilon ranks last.
 */
async function epsilonGuide(options: SearchOptions, archs: readonly string[], notes: string[]): Promise<GuideScores> {
  const weights = options.weights === undefined ? getSpace(options.space).defaultWeights : parseWeightPair(options.weights)
  const spec = jobSpecOf('score', options, [weights])
  await checkInputInstalled(spec.input, spec.dataset)
  const store = openStore(options.db)
  try {
    const jobId = createJob(store, spec, archs)
    process.stderr.write(`job ${jobId}: epsilon of the ${archs.length} archs with accuracies, from the cache or scored now (cache ${store.path})\n`)
    const outcome = await runJobInForeground(store, jobId, { progress: options.progress })
    failUnlessDone(outcome)
    const byArch = new Map(outcome.summary.pairs[0].rows.map((row) => [row.arch, row.epsilon]))
    const guide = guideOf(archs, archs.map((arch) => byArch.get(arch) ?? null))
    const nan = guide.filter((value) => value === Number.NEGATIVE_INFINITY).length
    if (nan > 0) notes.push(`epsilon: ${nan} of ${archs.length} archs NaN, ranked last`)
    return guide
  } finally {
    store.close()
  }
}

/** Each variant's repeats, with one progress bar over all runs. */
function runVariants(problem: SearchProblem, plans: readonly VariantPlan[], guides: ReadonlyMap<string, GuideScores>, options: SearchOptions): VariantResult[] {
  const bar = options.progress
    ? new cliProgress.SingleBar({ format: 'search {bar} {percentage}% | {value}/{total} runs', stream: process.stderr, hideCursor: true, noTTYOutput: true, notTTYSchedule: 5000 }, cliProgress.Presets.shades_classic)
    : null
  bar?.start(plans.length * options.repeats, 0)
  try {
    return simulateStudy(problem, plans, guides, options, (done) => bar?.update(done))
  } finally {
    bar?.stop()
  }
}

/** variant | median [q25, q75], aligned. */
function formatFinalTable(plans: readonly VariantPlan[], results: readonly VariantResult[]): string {
  const width = Math.max(...plans.map((plan) => plan.name.length))
  return plans.map((plan, i) => {
    const { median, q25, q75 } = results[i].final
    return `${plan.name.padEnd(width)}  ${median.toFixed(2)} [${q25.toFixed(2)}, ${q75.toFixed(2)}]`
  }).join('\n')
}
