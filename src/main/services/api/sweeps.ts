/** sweeps:start and sweeps:list: weight-ablation sweeps as background jobs, and their per-pair results. */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { StartScoreResponse, StartSweepRequest, SweepSummaryView } from '../../../shared/api.ts'
import { EpsinasError } from '../../../shared/errors.ts'
import { selectArchs } from '../../cli/arch-selection.ts'
import { checkEngineRequest, checkSpaceDataset } from '../../core/scoring/index.ts'
import { getSpace } from '../../core/spaces/registry.ts'
import { spaceBenchmarkData } from '../../benchmarks/space-data/index.ts'
import { parseJobSpec } from '../../jobs/job-spec.ts'
import type { ScoreStore } from '../../store/index.ts'
import type { BenchmarkStore } from '../../store/benchmarks.ts'
import { checkScoreParameters } from '../score-parameters.ts'
import { sweepSpec } from '../sweeps.ts'
import { installedAccuracyTable } from './compare.ts'
import type { JobManager } from './job-manager.ts'
import { jobConfig } from './start-score.ts'
import { jobDetails } from './views.ts'

/** What starting a sweep needs besides the request. */
export interface SweepContext {
  jobs: JobManager
  defaultWorkers: number
  dataDir: string
  benchmarks: () => BenchmarkStore
}

/** Checks the request, writes the accuracies file the job reads (when asked), and queues the sweep. */
export async function startSweep(context: SweepContext, request: StartSweepRequest): Promise<StartScoreResponse> {
  const base = jobConfig(request, context.defaultWorkers)
  const spec = sweepSpec(base, [...new Set(request.exponents)].sort((a, b) => a - b))
  checkScoreParameters(spec)
  checkSpaceDataset(spec.space, spec.dataset)
  checkEngineRequest(spec.engine, spec.backend)
  if (request.withAccuracies) spec.accuracies = await writeAccuracies(context, request)
  const archs = await selectArchs(spec.space, request.archs)
  return { jobId: context.jobs.start(spec, archs), total: archs.length * spec.pairs.length }
}

/**
 * The job re-reads its accuracies when resumed, so they go to a file of their own under the data
 * folder (the installed tables may change later; the sweep keeps what it started with).
 */
async function writeAccuracies(context: SweepContext, request: StartSweepRequest): Promise<string> {
  // The job's accuracies file is keyed by arch, so it needs installed accuracies keyed by arch too
  // (not NB101's, keyed by module hash; not NB-NLP's losses).
  const space = getSpace(request.space)
  if (space.hasBenchmarkKey || !spaceBenchmarkData(space.id).accuracies) {
    throw new EpsinasError('BAD_ARGUMENT', `sweeps with accuracies need installed accuracies keyed by arch, which ${space.title} does not have; start it without accuracies, or run epsinas sweep --space ${space.id} --accuracies FILE.csv`)
  }
  const { accuracies } = installedAccuracyTable(context.benchmarks(), request.space, request.dataset)
  if (accuracies.size === 0) throw new EpsinasError('BAD_ARGUMENT', `install ${space.title} accuracies for ${request.dataset} first (Benchmarks page), or start the sweep without accuracies`)
  const dir = join(context.dataDir, 'sweeps')
  await mkdir(dir, { recursive: true })
  const path = join(dir, `accuracies-${request.dataset}-${Date.now()}.csv`)
  await writeFile(path, `arch,accuracy\n${[...accuracies].map(([arch, value]) => `${arch},${value}`).join('\n')}\n`)
  return path
}

/** Every sweep job, newest first, with its per-pair results. */
export function listSweeps(store: ScoreStore): SweepSummaryView[] {
  return store.jobs
    .list()
    .filter((job) => job.kind === 'sweep')
    .map((job) => {
      const details = jobDetails(store, job.id)
      const spec = parseJobSpec(job.id, job.spec)
      const exponents = [...new Set((spec.exponents ?? []).flat())].sort((a, b) => a - b)
      return { job: details.job, exponents, results: details.sweep, hasAccuracies: spec.accuracies !== undefined }
    })
    .sort((a, b) => b.job.createdAt.localeCompare(a.job.createdAt))
}
