export { openStore } from './store.ts'
export { LATEST_VERSION, MIGRATIONS, migrate, type Migration } from './migrations.ts'
export type { ConfigSummary, ScoreConfigKey, ScoreStore, StoredScore } from './types.ts'
export { JobStore, type JobFailure, type JobKind, type JobRecord, type JobState, type SweepResultRow } from './jobs.ts'
