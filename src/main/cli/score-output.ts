import { open } from 'node:fs/promises'
import type { ScorePairsSummary, ScoreRow } from '../services/scoring.ts'
import type { JobSpec } from '../jobs/job-spec.ts'
import type { SpaceId } from '../../shared/types.ts'
import { scoreKeyShape } from '../services/score-parameters.ts'
import { getSpace } from '../core/spaces/registry.ts'
import { EPSILON_SIGNAL, placementCounts } from '../core/ranking/full-coverage.ts'
import type { ScoreStore } from '../store/index.ts'
import { openBenchmarkStore, type BenchmarkStore } from '../store/benchmarks.ts'
import { rankArchs, type ArchRanking } from '../services/ranking.ts'
import { EpsinasError } from '../../shared/errors.ts'

const CSV_COLUMNS = [
  'arch', 'hash', 'epsilon', 'rank', 'placed_by', 'nan_reason', 'source', 'canonical', 'ms',
  'space', 'dataset', 'classes', 'image_size', 'input', 'input_seed', 'batch_size', 'w_low', 'w_high', 'engine',
] as const

type CsvColumn = (typeof CSV_COLUMNS)[number]

/**
 * The benchmark key of a row in spaces whose benchmark keys archs by something other than their
 * written form (NB101: the module hash, so scores join with the benchmark and Suite-Zero by hash;
 * isomorphic specs share it); null in the other spaces, whose files have no hash column.
 */
function moduleHash(space: SpaceId, arch: string): string | null {
  const definition = getSpace(space)
  return definition.hasBenchmarkKey ? definition.benchmarkKey(arch) : null
}

/**
 * The end of a score job (its runs and resumes): ranks every arch of the job (docs/ranking.md),
 * prints the ranking's coverage and notes on stderr, and writes the job's --out file when it has one.
 */
export async function finishScoreJob(store: ScoreStore, request: JobSpec, summary: ScorePairsSummary): Promise<void> {
  // Made as objects on each read (services/score-rows.ts): read once for the ranking and the file.
  const rows = summary.pairs[0].rows
  const ranking = rankScoreJob(store, request, rows)
  process.stderr.write(`${describeRankCoverage(ranking)}\n${ranking.notes.map((note) => `note: ${note}\n`).join('')}`)
  if (request.out) {
    await writeRows(request.out, request, summary, rows, ranking)
    process.stderr.write(`scores written to ${request.out}\n`)
  }
}

/** The full-coverage ranking of the job's rows: epsilon, parameters and the job's proxies installed in the same file. */
function rankScoreJob(store: ScoreStore, request: JobSpec, rows: readonly ScoreRow[]): ArchRanking {
  // The score cache is the file `epsinas data convert` fills too: its proxies are the installed ones.
  const benchmarks = openBenchmarkStore(store.path, { readOnly: true })
  try {
    return rankRows(request, rows, benchmarks)
  } finally {
    benchmarks.close()
  }
}

function rankRows(request: JobSpec, rows: readonly ScoreRow[], benchmarks: BenchmarkStore | null): ArchRanking {
  return rankArchs({
    space: request.space,
    dataset: request.dataset,
    archs: rows.map((row) => row.arch),
    epsilon: rows.map((row) => row.epsilon),
    benchmarks,
    rankWith: request.rankWith,
  })
}

/** One line: how many archs epsilon placed, how many the other signals alone, how many nothing did. */
export function describeRankCoverage(ranking: Pick<ArchRanking, 'placedBy' | 'aggregateOf'>): string {
  const counts = placementCounts(ranking.placedBy)
  const others = ranking.aggregateOf.length === 0 ? 'no other signal' : `the aggregate of ${ranking.aggregateOf.join(', ')}`
  return `rank: ${counts.epsilon} ranked by epsilon, ${counts.aggregate} placed by ${others}, ${counts.none} unplaced (no signal, tied last)`
}

/**
 * Writes the rows of the first (for a score job, only) weight pair as CSV (header + one line per
 * arch, empty epsilon for NaN) or as JSON, by extension, each with its full-coverage rank and what
 * placed it (without a ranking: by epsilon and parameters only). Rows of spaces with a benchmark key
 * (NB101) also carry `hash`.
 */
export async function writeScores(path: string, request: JobSpec, summary: ScorePairsSummary, ranking?: ArchRanking): Promise<void> {
  const rows = summary.pairs[0].rows
  await writeRows(path, request, summary, rows, ranking ?? rankRows(request, rows, null))
}

/** Lines of a score file written at a time: the file is never one string (about 400 bytes a line for NB101). */
export const SCORE_FILE_LINES_PER_WRITE = 1_000

async function writeRows(path: string, request: JobSpec, summary: ScorePairsSummary, rows: readonly ScoreRow[], ranking: ArchRanking): Promise<void> {
  const pieces = path.toLowerCase().endsWith('.json') ? jsonPieces(request, summary, rows, ranking) : csvLines(request, rows, ranking, keyFields(request, summary))
  const fail = (error: unknown): EpsinasError => new EpsinasError('BAD_FILE', `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  const file = await open(path, 'w').catch((error: unknown) => {
    throw fail(error)
  })
  try {
    for (const chunk of scoreFileChunks(pieces)) await file.write(chunk)
  } catch (error) {
    throw fail(error)
  } finally {
    await file.close()
  }
}

/** The pieces of a file (each ending in its newline) joined SCORE_FILE_LINES_PER_WRITE at a time. */
export function* scoreFileChunks(pieces: Iterable<string>): Generator<string> {
  let batch: string[] = []
  for (const piece of pieces) {
    batch.push(piece)
    if (batch.length === SCORE_FILE_LINES_PER_WRITE) {
      yield batch.join('')
      batch = []
    }
  }
  if (batch.length > 0) yield batch.join('')
}

function keyFields(request: JobSpec, summary: ScorePairsSummary) {
  const { classes, imageSize } = scoreKeyShape(request.space, request.dataset)
  return {
    space: request.space,
    dataset: request.dataset,
    classes,
    image_size: imageSize,
    // As the cache key stores it (`real:<16 hex>` for installed data), not the bare option.
    input: summary.input,
    input_seed: request.inputSeed,
    batch_size: request.batchSize,
    w_low: summary.pairs[0].weights[0],
    w_high: summary.pairs[0].weights[1],
    engine: summary.engine,
  }
}

function* csvLines(request: JobSpec, rows: readonly ScoreRow[], ranking: ArchRanking, key: ReturnType<typeof keyFields>): Generator<string> {
  const columns = CSV_COLUMNS.filter((column) => column !== 'hash' || getSpace(request.space).hasBenchmarkKey)
  yield `${columns.join(',')}\n`
  for (const [i, row] of rows.entries()) {
    const values: Record<CsvColumn, string | number> = {
      ...key,
      arch: row.arch,
      hash: moduleHash(request.space, row.arch) ?? '',
      epsilon: row.epsilon ?? '',
      rank: ranking.rank[i],
      placed_by: ranking.placedBy[i],
      nan_reason: row.nanReason ?? '',
      source: row.source,
      canonical: row.canonical ?? '',
      ms: row.ms.toFixed(1),
    }
    yield `${columns.map((column) => csvField(String(values[column]))).join(',')}\n`
  }
}

/** NB201 arch strings contain no comma or quote, but other spaces' ids may. */
export function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/**
 * The JSON file as `JSON.stringify(file, null, 1)` writes it, one score at a time: the file's head
 * with no scores, then each score indented as it would be inside the array.
 */
function* jsonPieces(request: JobSpec, summary: ScorePairsSummary, rows: readonly ScoreRow[], ranking: ArchRanking): Generator<string> {
  // Named one by one: spreading the pair would read its rows again (made on each read).
  const { configId, computed, shared, cached, nan } = summary.pairs[0]
  const totals = { total: summary.archs.length, configId, computed, shared, cached, nan, cancelled: summary.cancelled, wallMs: summary.wallMs, engine: summary.engine, backendReason: summary.backendReason }
  const failed = summary.failed
  const head = JSON.stringify(
    {
      config: keyFields(request, summary),
      summary: { ...totals, failed: failed.length },
      ranking: { signals: [EPSILON_SIGNAL, ...ranking.aggregateOf], placed: placementCounts(ranking.placedBy) },
      failed,
      scores: [],
    },
    null,
    1,
  )
  const emptyEnd = '[]\n}'
  if (rows.length === 0) {
    yield `${head}\n`
    return
  }
  yield `${head.slice(0, -emptyEnd.length)}[\n`
  for (const [i, row] of rows.entries()) {
    const hash = moduleHash(request.space, row.arch)
    const score = { arch: row.arch, ...(hash === null ? {} : { hash }), epsilon: row.epsilon, rank: ranking.rank[i], placed_by: ranking.placedBy[i], nan_reason: row.nanReason, source: row.source, canonical: row.canonical, ms: row.ms }
    // Inside the array an element sits two spaces in; JSON text has no raw newline but between tokens.
    yield `  ${JSON.stringify(score, null, 1).replaceAll('\n', '\n  ')}${i === rows.length - 1 ? '\n' : ',\n'}`
  }
  yield ' ]\n}\n'
}
