import { writeFile } from 'node:fs/promises'
import { Argument, Command, InvalidArgumentError, Option } from 'commander'
import { checkInputInstalled, minibatchSource } from '../data/index.ts'
import { getSpace } from '../core/spaces/registry.ts'
import { parseExponentRange } from '../core/weights/index.ts'
import { createJob } from '../jobs/job-runner.ts'
import type { JobSpec } from '../jobs/job-spec.ts'
import type { AccuracySplit } from '../benchmarks/accuracy-tables.ts'
import { parseWeightPair } from '../services/score-parameters.ts'
import { cellStats, studyTarget, type StudyTarget } from '../services/studies.ts'
import { openStore } from '../store/index.ts'
import type { EpsilonStats } from '../core/stats/index.ts'
import {
  buildStudyRows,
  formatStudyTable,
  PAPER_BATCHES,
  planBatch,
  planEmbedding,
  planInputs,
  planWeights,
  STUDY_INPUTS,
  STUDY_KINDS,
  type StudyBase,
  type StudyCell,
  type StudyKind,
  type StudyPlan,
} from '../studies/index.ts'
import type { InputSource } from '../../shared/types.ts'
import { cutInput, EpsinasError } from '../../shared/errors.ts'
import { noteOnStderr, selectArchs } from './arch-selection.ts'
import { checkOutputFile } from './output-file.ts'
import { parseInteger } from './parse.ts'
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
  json?: string
}

/** `epsinas study`: the paper's ablations as tables, every cell a cached, resumable score job (docs/reproduction.md). */
export function studyCommand(): Command {
  const command = new Command('study')
    .description("the paper's ablations on a sample with accuracies, each cell a cached score job, the paper's values beside ours (docs/reproduction.md)")
    .addArgument(new Argument('<study>', 'weights: every weight pair of the paper table; batch: batch sizes; inputs: the synthetic inputs and real data; embedding: NB-NLP embedding variants').choices(STUDY_KINDS))
    .option('--archs <file>', 'draw the sample from these archs (one per line) instead of every arch with an accuracy')
    .option('--sample <n>', 'seeded sample of the archs with an accuracy', parseInteger('--sample', 1), 100)
    .option('--seed <s>', 'seed of the sample', parseInteger('--seed', 0), 0)
    .option('--accuracies <file>', 'accuracies CSV (arch,accuracy) (default: the installed benchmark accuracies in --db, as epsinas stats)')
    .addOption(new Option('--split <split>', 'installed accuracy: test or validation (default as epsinas stats)').choices(['test', 'valid']))
    .option('--weights <w1,w2>', 'batch, inputs, embedding: the weight pair (default: the space default)')
    .option('--exponents <a..b>', "weights: exponent range of the pairs (default: the paper table's, -7..0 for nb201 and nbnlp, -4..0 for nb101)")
    .option('--batches <list>', `batch: sizes, comma-separated (default: the paper's ${PAPER_BATCHES.join(',')})`, parseBatches, [...PAPER_BATCHES])
    .option('--repeats <n>', 'batch: seeded batches per size (input seeds --input-seed, +1, ...; a seeded --input only)', parseInteger('--repeats', 1), 10)
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
  embedding: [['exponents', '--exponents'], ['batches', '--batches'], ['repeats', '--repeats']],
}

/** BAD_ARGUMENT for an option the study does not read, before anything is opened. */
function refuseOptionsTheStudyVaries(study: StudyKind, command: Command): void {
  const given = VARIED_BY[study].find(([option]) => command.getOptionValueSource(option) === 'cli')
  if (!given) return
  const what: Record<StudyKind, string> = { weights: 'scores every pair of --exponents', batch: 'scores every size of --batches', inputs: 'scores every input', embedding: 'scores the embedding variants' }
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
  if (study === 'embedding' && space.id !== 'nbnlp') throw new EpsinasError('BAD_ARGUMENT', `the embedding study needs --space nbnlp (the one space whose networks embed their input), not ${space.id}`)
  const weights = options.weights === undefined ? space.defaultWeights : parseWeightPair(options.weights)
  // Every option checked (BAD_*) before the sample is read or anything is scored.
  const spec = jobSpecOf('score', options, [weights])
  // Real data not installed is refused now, not found missing by every cell's workers (the inputs study lists it instead).
  if (study !== 'inputs') await checkInputInstalled(spec.input, spec.dataset)
  const base: StudyBase = { space: spec.space, dataset: spec.dataset, weights, batch: spec.batchSize, input: spec.input, inputSeed: spec.inputSeed }
  const plan = await planStudy(study, base, options)
  const cellSpecs = plan.rows.map((row) => row.cells.map((cell) => cellSpec(options, cell)))
  const archs = options.archs ? await selectArchs(options.space, { kind: 'file', path: options.archs, db: options.db }, noteOnStderr) : undefined
  const target = await studyTarget({ space: spec.space, dataset: spec.dataset, db: options.db, accuraciesFile: options.accuracies, split: options.split, archs, sample: options.sample, seed: options.seed })
  const stats = await scoreCells(options, target, cellSpecs)
  const rows = buildStudyRows(plan, stats)
  const sample = `${target.archs.length} of the ${target.candidates} ${spec.space} archs with an accuracy (seed ${options.seed})`
  const besideOurs = plan.rows.some((row) => row.paper !== null) ? 'its values in brackets' : 'no values to put beside ours'
  const paper = plan.paper ? `paper: ${plan.paper.table} (${plan.paper.caption}), ${besideOurs}` : 'paper: no values for this study here'
  const notes = plan.notes
  process.stdout.write(
    `study ${study}: ${spec.space} ${spec.dataset}, ${sample}; accuracies: ${target.source}\n` +
      `${describeConfig(study, base)}; ${paper}\n${formatStudyTable(rows)}\n${notes.map((note) => `note: ${note}\n`).join('')}`,
  )
  if (options.json) {
    const json = { study, space: spec.space, dataset: spec.dataset, config: { ...base, engine: spec.engine }, sample: { archs: target.archs, candidates: target.candidates, seed: options.seed }, accuracies: target.source, paper: plan.paper, rows, notes }
    try {
      await writeFile(options.json, `${JSON.stringify(json)}\n`)
    } catch (error) {
      throw new EpsinasError('BAD_FILE', `cannot write ${options.json}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
    }
  }
}

/** What stays fixed across the study's rows, one line. */
function describeConfig(study: StudyKind, base: StudyBase): string {
  const weights = `weights (${base.weights.join(', ')})`
  const input = base.input === 'grey' ? 'grey input' : `${base.input} input seed ${base.inputSeed}`
  if (study === 'weights') return `batch ${base.batch}, ${input}`
  if (study === 'batch') return `${weights}, ${input}`
  if (study === 'inputs') return `${weights}, batch ${base.batch}, input seed ${base.inputSeed}`
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
    case 'embedding':
      return planEmbedding(base)
  }
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

/**
 * Scores every cell over the sample, cells that differ only in weights in one job (one network per
 * arch serves every pair), each job from the cache where it can be: a rerun computes nothing, an
 * interrupted study resumes where its scores stopped.
 */
async function scoreCells(options: StudyOptions, target: StudyTarget, cellSpecs: ReadonlyArray<readonly JobSpec[]>): Promise<EpsilonStats[][]> {
  const groups = new Map<string, { spec: JobSpec; at: Array<[number, number]> }>()
  cellSpecs.forEach((row, r) =>
    row.forEach((cell, c) => {
      const key = JSON.stringify({ ...cell, pairs: [] })
      const group = groups.get(key) ?? { spec: { ...cell, pairs: [] }, at: [] }
      group.spec.pairs.push(cell.pairs[0])
      group.at.push([r, c])
      groups.set(key, group)
    }),
  )
  const stats: EpsilonStats[][] = cellSpecs.map(() => [])
  const store = openStore(options.db)
  try {
    let index = 0
    for (const { spec, at } of groups.values()) {
      index++
      const jobId = createJob(store, spec, target.archs)
      process.stderr.write(`job ${jobId} (${index} of ${groups.size}): batch ${spec.batchSize}, ${spec.input} input seed ${spec.inputSeed}, ${spec.pairs.length} weight pair${spec.pairs.length === 1 ? '' : 's'}, ${target.archs.length} archs (cache ${store.path})\n`)
      const outcome = await runJobInForeground(store, jobId, { progress: options.progress })
      failUnlessDone(outcome)
      at.forEach(([r, c], p) => {
        stats[r][c] = cellStats(target, new Map(outcome.summary.pairs[p].rows.map((row) => [row.arch, row.epsilon])))
      })
    }
  } finally {
    store.close()
  }
  return stats
}
