import { writeFile } from 'node:fs/promises'
import type { ScorePairsSummary } from '../services/scoring.ts'
import type { JobSpec } from '../jobs/job-spec.ts'
import type { SpaceId } from '../../shared/types.ts'
import { scoreKeyShape } from '../services/score-parameters.ts'
import { getSpace } from '../core/spaces/registry.ts'
import { EpsinasError } from '../../shared/errors.ts'

const CSV_COLUMNS = [
  'arch', 'hash', 'epsilon', 'nan_reason', 'source', 'canonical', 'ms',
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
 * Writes the rows of the first (for a score job, only) weight pair as CSV (header + one line per
 * arch, empty epsilon for NaN) or as JSON, by extension. Rows of spaces with a benchmark key (NB101) also carry `hash`.
 */
export async function writeScores(path: string, request: JobSpec, summary: ScorePairsSummary): Promise<void> {
  const text = path.toLowerCase().endsWith('.json') ? toJson(request, summary) : toCsv(request, summary)
  try {
    await writeFile(path, text)
  } catch (error) {
    throw new EpsinasError('BAD_FILE', `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
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

function toCsv(request: JobSpec, summary: ScorePairsSummary): string {
  const key = keyFields(request, summary)
  const columns = CSV_COLUMNS.filter((column) => column !== 'hash' || getSpace(request.space).hasBenchmarkKey)
  const lines = [columns.join(',')]
  for (const row of summary.pairs[0].rows) {
    const values: Record<CsvColumn, string | number> = {
      ...key,
      arch: row.arch,
      hash: moduleHash(request.space, row.arch) ?? '',
      epsilon: row.epsilon ?? '',
      nan_reason: row.nanReason ?? '',
      source: row.source,
      canonical: row.canonical ?? '',
      ms: row.ms.toFixed(1),
    }
    lines.push(columns.map((column) => csvField(String(values[column]))).join(','))
  }
  return `${lines.join('\n')}\n`
}

/** NB201 arch strings contain no comma or quote, but other spaces' ids may. */
function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

function toJson(request: JobSpec, summary: ScorePairsSummary): string {
  const { rows, weights: _weights, ...counts } = summary.pairs[0]
  const totals = { total: summary.archs.length, ...counts, cancelled: summary.cancelled, wallMs: summary.wallMs, engine: summary.engine, backendReason: summary.backendReason }
  const failed = summary.failed
  return `${JSON.stringify(
    {
      config: keyFields(request, summary),
      summary: { ...totals, failed: failed.length },
      failed,
      scores: rows.map((row) => {
        const hash = moduleHash(request.space, row.arch)
        return { arch: row.arch, ...(hash === null ? {} : { hash }), epsilon: row.epsilon, nan_reason: row.nanReason, source: row.source, canonical: row.canonical, ms: row.ms }
      }),
    },
    null,
    1,
  )}\n`
}
