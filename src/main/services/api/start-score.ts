/** jobs:start-score: turns a checked request into a job spec and its architectures, then queues the job. */
import type { StartScoreRequest, StartScoreResponse } from '../../../shared/api.ts'
import { selectArchs } from '../../cli/arch-selection.ts'
import { checkEngineRequest, checkSpaceDataset } from '../../core/scoring/index.ts'
import type { JobSpec } from '../../jobs/job-spec.ts'
import { checkScoreParameters, checkWeightPair } from '../score-parameters.ts'
import type { JobManager } from './job-manager.ts'

/** The request fields (defaults filled in) that score and sweep jobs store alike in their spec. */
export type JobConfig = Omit<JobSpec, 'kind' | 'pairs' | 'exponents' | 'accuracies'>

/** Copies only the spec's fields, so extra request members (archs, exponents) never reach the stored spec. */
export function jobConfig(request: Omit<StartScoreRequest, 'weights' | 'archs'>, defaultWorkers: number): JobConfig {
  return {
    space: request.space,
    dataset: request.dataset,
    input: request.input,
    inputSeed: request.inputSeed,
    batchSize: request.batchSize,
    engine: request.engine,
    backend: request.backend ?? 'auto',
    workers: request.workers ?? defaultWorkers,
  }
}

/** Checks everything the job will need (weights, engine, archs) before it is created, then queues it. */
export async function startScore(jobs: JobManager, request: StartScoreRequest, defaultWorkers: number): Promise<StartScoreResponse> {
  const spec: JobSpec = { ...jobConfig(request, defaultWorkers), kind: 'score', pairs: [[request.weights[0], request.weights[1]]] }
  checkScoreParameters(spec)
  checkSpaceDataset(spec.space, spec.dataset)
  checkEngineRequest(spec.engine, spec.backend)
  checkWeightPair(spec.pairs[0])
  const archs = await selectArchs(spec.space, request.archs)
  const jobId = jobs.start(spec, archs)
  return { jobId, total: archs.length }
}
