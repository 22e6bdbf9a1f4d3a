/** The service layer of the shared API: handlers, schemas, background jobs and progress. */
export { createApiServices, type ApiHandlers, type ApiServices, type ApiServicesOptions } from './handlers.ts'
export { SCHEMAS, MAX_SCORES_LIMIT, MAX_LISTED_ARCHS, type Schema } from './schemas.ts'
export { Checker, formatIssues, type Checked, type Issue } from './check.ts'
export { JobManager, type JobManagerOptions } from './job-manager.ts'
export { ProgressHub, type ProgressListener } from './progress-hub.ts'
export { BenchmarkManager, type BenchmarkManagerOptions } from './benchmarks.ts'
export { compareScores, statsOf, topKOverlap } from './compare.ts'
