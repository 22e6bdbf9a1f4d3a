import { writeFile } from 'node:fs/promises'
import { Argument, Command, InvalidArgumentError, Option } from 'commander'
import { checkInputInstalled, minibatchSource } from '../data/index.ts'
import { getSpace } from '../core/spaces/registry.ts'
import type { SearchSpace } from '../core/spaces/search-space.ts'
import { parseExponentRange } from '../core/weights/index.ts'
import { createJob } from '../jobs/job-runner.ts'
import type { JobSpec } from '../jobs/job-spec.ts'
import type { AccuracySplit } from '../benchmarks/accuracy-tables.ts'
import { parseWeightPair } from '../services/score-parameters.ts'
import { cellStats, studyTarget, type StudyTarget } from '../services/studies.ts'
import { saveStudy } from '../services/studies-store.ts'
import { checkInitStudy, runInitStudy, type InitStudySpec, type InitStudyValues } from '../services/studies-init.ts'
import { INIT_SCHEMES, type InitScheme } from '../proxies/parameters.ts'
import { openStore } from '../store/index.ts'
import type { EpsilonStats } from '../core/stats/index.ts'
import {
  buildStudyRows,
  formatStudyTable,
  PAPER_BATCHES,
  planBatch,
  planEmbedding,
  planInit,
  planInputs,
  planWeights,
  STUDY_INPUTS,
  STUDY_KINDS,
  type StudyBase,
  type StudyCell,
  type StudyKind,
  type StudyPlan,
} from '../studies/index.ts'
import type { BackendId, InputSource } from '../../shared/types.ts'
import type { ProxyBackend } from '../proxies/runtime.ts'
import { cutInput, EpsinasError } from '../../shared/errors.ts'
import { noteOnStderr, selectArchs } from './arch-selection.ts'
import { checkOutputFile } from './output-file.ts'
import { parseInteger } from './parse.ts'
import { createProgressBar } from './progress.ts'
import { failUnlessDone, runJobInForeground } from './run-job.ts'
import { addScoringOptions, jobSpecOf, type ScoringOptions } from './scoring-options.ts'

interface StudyOptions extends ScoringOptions {
  archs?: string
  sample: number
  seed: number
  accuracies?: string
  split?: AccuracySplit
  weights?: string
  exponents?: string
  batches: number[]
  repeats: number
  initSeed: number
  json?: string
}

/** `epsinas study`: the paper's ablations as tables, every cell a cached, resumable score job (docs/reproduction.md). */
export function studyCommand(): Command {
  const command = new Command('study')
    .description("the paper's ablations on a sample with accuracies, each cell a cached score job, the paper's values beside ours (docs/reproduction.md)")
    .addArgument(new Argument('<study>', 'weights: every weight pair of the paper table; batch: batch sizes; inputs: the synthetic inputs and real data; init: two random initialisations per scheme (full width, tfjs); embedding: NB-NLP embedding variants').choices(STUDY_KINDS))
    .option('--archs <file>', 'draw the sample from these archs (one per line) instead of every arch with an accuracy')
    .option('--sample <n>', 'seeded sample of the archs with an accuracy', parseInteger('--sample', 1), 100)
    .option('--seed <s>', 'seed of the sample', parseInteger('--seed', 0), 0)
    .option('--accuracies <file>', 'accuracies CSV (arch,accuracy) (default: the installed benchmark accuracies in --db, as epsinas stats)')
    .addOption(new Option('--split <split>', 'installed accuracy: test or validation (default as epsinas stats)').choices(['test', 'valid']))
    .option('--weights <w1,w2>', 'batch, inputs, embedding: the weight pair (default: the space default)')
    .option('--exponents <a..b>', "weights: exponent range of the pairs (default: the paper table's, -7..0 for nb201 and nbnlp, -4..0 for nb101)")
    .option('--batches <list>', `batch: sizes, comma-separated (default: the paper's ${PAPER_BATCHES.join(',')})`, parseBatches, [...PAPER_BATCHES])
    .option('--repeats <n>', 'batch: seeded batches per size (input seeds --input-seed, +1, ...; a seeded --input only)', parseInteger('--repeats', 1), 10)
    .option('--init-seed <s>', 'init: seed of the first random initialisation (the second is s + 1)', parseInteger('--init-seed', 0), 0)
    .option('--json <file>', 'write the table (rows with each cell\'s statistics, the paper\'s values, the sample) as JSON')
  return addScoringOptions(command).action(async (study: StudyKind, options: StudyOptions, self: Command) => {
    refuseOptionsTheStudyVaries(study, self)
    await runStudy(study, options)
  })
}

/** The options each study sets itself, row by row: given on the command line, they would be silently overridden. */
const VARIED_BY: Record<StudyKind, ReadonlyArray<[option: string, flag: string]>> = {
  weights: [['weights', '--weights'], ['batches', '--batches'], ['repeats', '--repeats']],
  batch: [['batch', '--batch'], ['exponents', '--exponents']],
  inputs: [['input', '--input'], ['exponents', '--exponents'], ['batches', '--batches'], ['repeats', '--repeats']],
  init: [['weights', '--weights'], ['engine', '--engine'], ['exponents', '--exponents'], ['batches', '--batches'], ['repeats', '--repeats']],
  embedding: [['exponents', '--exponents'], ['batches', '--batches'], ['repeats', '--repeats']],
}

/** BAD_ARGUMENT for an option the study does not read, before anything is opened. */
function refuseOptionsTheStudyVaries(study: StudyKind, command: Command): void {
  const given = VARIED_BY[study].find(([option]) => command.getOptionValueSource(option) === 'cli')
  if (!given) return
  const what: Record<StudyKind, string> = {
    weights: 'scores every pair of --exponents',
    batch: 'scores every size of --batches',
    inputs: 'scores every input',
    init: 'initialises the full-width network twice at random per scheme (tfjs)',
    embedding: 'scores the embedding variants',
  }
  throw new EpsinasError('BAD_ARGUMENT', `${given[1]} is not an option of the ${study} study: it ${what[study]}`)
}

function parseBatches(text: string): number[] {
  const sizes = text.split(',').map((item) => Number(item.trim()))
  if (sizes.length === 0 || sizes.some((size) => !Number.isSafeInteger(size) || size < 2)) throw new InvalidArgumentError(`--batches takes batch sizes >= 2, comma-separated (got '${cutInput(text)}')`)
  return [...new Set(sizes)]
}

async function runStudy(study: StudyKind, options: StudyOptions): Promise<void> {
  if (options.json) checkOutputFile('--json', options.json)
  const space = getSpace(options.space)
  if (study === 'init' && options.backend === 'ts') throw new EpsinasError('BAD_ARGUMENT', 'the init study runs on TensorFlow.js (per-layer random weights); --backend ts is the collapsed engine\'s')
  if (study === 'embedding' && !space.hasEmbedding) throw new EpsinasError('BAD_ARGUMENT', `the embedding study needs a space whose networks embed their input (nbnlp), not ${space.id}`)
  const weights = options.weights === undefined ? space.defaultWeights : parseWeightPair(options.weights)
  // Every option checked (BAD_*) before the sample is read or anything is scored.
  // The init study runs the full-width network on tfjs (its --backend), whatever the collapsed default says.
  const spec = jobSpecOf('score', study === 'init' ? { ...options, engine: 'full' } : options, [weights])
  // Real data not installed is refused now, not found missing by every cell's workers (the inputs study lists it instead).
  if (study !== 'inputs') await checkInputInstalled(spec.input, spec.dataset)
  const base: StudyBase = { space: spec.space, dataset: spec.dataset, weights, batch: spec.batchSize, input: spec.input, inputSeed: spec.inputSeed }
  const plan = await planStudy(study, base, options)
  const archs = options.archs ? await selectArchs(options.space, { kind: 'file', path: options.archs, db: options.db }, noteOnStderr) : undefined
  // The init study runs no score jobs; every other study's jobs are checked before the sample is read.
  const jobs = study === 'init' ? null : cellJobs(options, plan)
  const target = await studyTarget({ space: spec.space, dataset: spec.dataset, db: options.db, accuraciesFile: options.accuracies, split: options.split, archs, sample: options.sample, seed: options.seed })
  const stats = jobs === null ? await initCells(options, base, target, plan) : await scoreCells(options, target, jobs)
  const rows = buildStudyRows(plan, stats)
  const sample = `${target.archs.length} of the ${target.candidates} ${spec.space} archs with an accuracy (seed ${options.seed})`
  const besideOurs = plan.rows.some((row) => row.paper !== null) ? 'its values in brackets' : 'no values to put beside ours'
  const paper = plan.paper ? `paper: ${plan.paper.table} (${plan.paper.caption}), ${besideOurs}` : 'paper: no values for this study here'
  const notes = plan.notes
  process.stdout.write(
    `study ${study}: ${spec.space} ${spec.dataset}, ${sample}; accuracies: ${target.source}\n` +
      `${describeConfig(study, base, options.initSeed)}; ${paper}\n${formatStudyTable(rows)}\n${notes.map((note) => `note: ${note}\n`).join('')}`,
  )
  const stored = saveStudy(options.db, {
    study,
    space: spec.space,
    dataset: spec.dataset,
    accuracies: target.source,
    sample: { size: target.archs.length, candidates: target.candidates, seed: options.seed },
    config: describeConfig(study, base, options.initSeed),
    paper: plan.paper,
    rows: rows.map(({ perCell: _perCell, ...row }) => row),
    notes,
  })
  process.stderr.write(`study stored for the Studies page: ${stored}\n`)
  if (options.json) {
    const engine = study === 'init' ? { engine: 'full (tfjs, per-layer random weights)', initSeeds: [options.initSeed, options.initSeed + 1] } : { engine: spec.engine }
    const json = { study, space: spec.space, dataset: spec.dataset, config: { ...base, ...engine }, sample: { archs: target.archs, candidates: target.candidates, seed: options.seed }, accuracies: target.source, paper: plan.paper, rows, notes }
    try {
      await writeFile(options.json, `${JSON.stringify(json)}\n`)
    } catch (error) {
      throw new EpsinasError('BAD_FILE', `cannot write ${options.json}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
    }
  }
}

/** What stays fixed across the study's rows, one line. */
function describeConfig(study: StudyKind, base: StudyBase, initSeed: number): string {
  const weights = `weights (${base.weights.join(', ')})`
  const input = base.input === 'grey' ? 'grey input' : `${base.input} input seed ${base.inputSeed}`
  if (study === 'weights') return `batch ${base.batch}, ${input}`
  if (study === 'batch') return `${weights}, ${input}`
  if (study === 'inputs') return `${weights}, batch ${base.batch}, input seed ${base.inputSeed}`
  if (study === 'init') return `two random initialisations per scheme (init seeds ${initSeed} and ${initSeed + 1}) instead of two constant weights, batch ${base.batch}, ${input}`
  return `${weights}, batch ${base.batch}, ${input}`
}

async function planStudy(study: StudyKind, base: StudyBase, options: StudyOptions): Promise<StudyPlan> {
  switch (study) {
    case 'weights':
      return planWeights(base, options.exponents === undefined ? undefined : parseExponentRange(options.exponents))
    case 'batch':
      return planBatch(base, options.batches, options.repeats, minibatchSource(base.input, base.dataset).seeded)
    case 'inputs':
      return planInputs(base, await unavailableInputs(base))
    case 'init':
      return planInit(base, INIT_SCHEMES)
    case 'embedding':
      return planEmbedding(base)
  }
}

/** The --backend of the init study: any TensorFlow.js backend or auto (ts is refused before anything runs). */
function tfjsBackend(backend: BackendId): ProxyBackend {
  if (backend === 'ts') throw new EpsinasError('INTERNAL', 'the init study was given --backend ts')
  return backend
}

/**
 * The init study's cells: every scheme's epsilon from two random initialisations per arch, on
 * TensorFlow.js (services/studies-init.ts), cached per arch and scheme, so a rerun computes nothing.
 */
async function initCells(options: StudyOptions, base: StudyBase, target: StudyTarget, plan: StudyPlan): Promise<EpsilonStats[][]> {
  const schemes = plan.rows.flatMap((row) => row.cells.map((cell) => cell.init).filter((scheme) => scheme !== undefined))
  const spec: InitStudySpec = { space: base.space, dataset: base.dataset, input: base.input, inputSeed: base.inputSeed, batchSize: base.batch, initSeed: options.initSeed, schemes, backend: tfjsBackend(options.backend) }
  await checkInitStudy(spec)
  process.stderr.write(`init: ${schemes.length} schemes x ${target.archs.length} archs, seeds ${options.initSeed} and ${options.initSeed + 1}, batch ${base.batch} (cache ${options.db})\n`)
  const bar = options.progress ? createProgressBar('init') : null
  let result: InitStudyValues
  try {
    result = await runInitStudy(spec, target.archs, options.db, (progress) => bar?.update(progress))
  } finally {
    bar?.stop()
  }
  process.stderr.write(`init: ${result.computed} computed, ${result.cached} from the cache; backend ${result.backend}\n`)
  return plan.rows.map((row) => row.cells.map((cell) => cellStats(target, result.values.get(cell.init as InitScheme) ?? new Map())))
}

/** The inputs that cannot be read for the dataset (real data not installed), each with the one-line reason. */
async function unavailableInputs(base: StudyBase): Promise<Map<InputSource, string>> {
  const unavailable = new Map<InputSource, string>()
  for (const input of STUDY_INPUTS) {
    try {
      minibatchSource(input, base.dataset)
      await checkInputInstalled(input, base.dataset)
    } catch (error) {
      if (!(error instanceof EpsinasError)) throw error
      unavailable.set(input, error.message)
    }
  }
  return unavailable
}

/** A cell's score job spec; no ranking proxies: a study reads epsilon only. */
function cellSpec(options: StudyOptions, cell: StudyCell): JobSpec {
  return jobSpecOf('score', { ...options, batch: cell.batch, input: cell.input, inputSeed: cell.inputSeed, dataSeed: undefined }, [cell.weights], { rankWith: [] })
}

/** A cell's score job, and the NB-NLP embedding variant its archs are scored with (absent: as written). */
interface CellJob {
  spec: JobSpec
  embedding?: string
}

/** Every cell's score job, checked (BAD_*) before the sample is read. */
function cellJobs(options: StudyOptions, plan: StudyPlan): CellJob[][] {
  return plan.rows.map((row) => row.cells.map((cell): CellJob => ({ spec: cellSpec(options, cell), embedding: cell.embedding })))
}

/**
 * The archs a cell's job scores, in the sample's order: the sample itself, or (embedding study) each
 * arch with the cell's embedding variant, whose cache key names the variant unless it is the default.
 */
function cellArchs(space: SearchSpace, target: StudyTarget, embedding: string | undefined): string[] {
  return embedding === undefined ? target.archs : target.archs.map((arch) => space.withEmbedding(arch, embedding))
}

/**
 * Scores every cell over the sample, cells that differ only in weights in one job (one network per
 * arch serves every pair), each job from the cache where it can be: a rerun computes nothing, an
 * interrupted study resumes where its scores stopped.
 */
async function scoreCells(options: StudyOptions, target: StudyTarget, cellSpecs: ReadonlyArray<readonly CellJob[]>): Promise<EpsilonStats[][]> {
  const groups = new Map<string, { spec: JobSpec; archs: string[]; at: Array<[number, number]> }>()
  cellSpecs.forEach((row, r) =>
    row.forEach(({ spec: cell, embedding }, c) => {
      const key = JSON.stringify({ ...cell, pairs: [], embedding })
      const group = groups.get(key) ?? { spec: { ...cell, pairs: [] }, archs: cellArchs(getSpace(options.space), target, embedding), at: [] }
      group.spec.pairs.push(cell.pairs[0])
      group.at.push([r, c])
      groups.set(key, group)
    }),
  )
  const stats: EpsilonStats[][] = cellSpecs.map(() => [])
  const store = openStore(options.db)
  try {
    let index = 0
    for (const { spec, archs, at } of groups.values()) {
      index++
      const jobId = createJob(store, spec, archs)
      process.stderr.write(`job ${jobId} (${index} of ${groups.size}): batch ${spec.batchSize}, ${spec.input} input seed ${spec.inputSeed}, ${spec.pairs.length} weight pair${spec.pairs.length === 1 ? '' : 's'}, ${target.archs.length} archs (cache ${store.path})\n`)
      const outcome = await runJobInForeground(store, jobId, { progress: options.progress })
      failUnlessDone(outcome)
      at.forEach(([r, c], p) => {
        const byJobArch = new Map(outcome.summary.pairs[p].rows.map((row) => [row.arch, row.epsilon]))
        stats[r][c] = cellStats(target, new Map(target.archs.map((arch, i) => [arch, byJobArch.get(archs[i]) ?? null])))
      })
    }
  } finally {
    store.close()
  }
  return stats
}
