/** The Studies page's form as a studies:search request (pure, so it is tested without a browser). */
import type { JobView, ScoreConfigRequest, SearchStudyRequest } from '../../../shared/api.ts'
import type { DatasetId, SpaceId } from '../../../shared/types.ts'
import { configChoices, type ConfigChoice } from './compare.ts'

/** What the form holds; the guides are comma-separated as on the command line. */
export interface StudyForm {
  space: SpaceId
  dataset: DatasetId
  random: boolean
  evolution: boolean
  warmups: string
  moves: string
  budget: number
  repeats: number
  seed: number
  pool: number
  /** Key of the score run epsilon is read from ('' : none chosen). */
  epsilonRun: string
}

/** The paper's settings (section 2.2): both algorithms, plain and with an epsilon warm-up, budget 300, 100 repeats. */
export const DEFAULT_STUDY_FORM: Omit<StudyForm, 'space' | 'dataset'> = { random: true, evolution: true, warmups: 'none,epsilon', moves: 'none', budget: 300, repeats: 100, seed: 0, pool: 3000, epsilonRun: '' }

/** Score runs of the study's space and dataset: where epsilon can be read from. */
export function epsilonRuns(jobs: readonly JobView[], space: SpaceId, dataset: DatasetId): ConfigChoice[] {
  return configChoices(jobs).filter((choice) => choice.config.space === space && choice.config.dataset === dataset)
}

function list(text: string): string[] {
  return [...new Set(text.split(',').map((item) => item.trim()).filter((item) => item !== ''))]
}

/** The request, or why it cannot be sent yet. */
export function studyRequest(form: StudyForm, runs: readonly ConfigChoice[]): { ok: true; request: SearchStudyRequest } | { ok: false; reason: string } {
  const algorithms = [...(form.random ? (['random'] as const) : []), ...(form.evolution ? (['evolution'] as const) : [])]
  if (algorithms.length === 0) return { ok: false, reason: 'Choose random search, evolution or both.' }
  const warmups = list(form.warmups)
  const moves = list(form.moves)
  if (warmups.length === 0 || moves.length === 0) return { ok: false, reason: 'Name at least one warm-up and one move guide (none for plain).' }
  const epsilon: ScoreConfigRequest | undefined = runs.find((run) => run.key === form.epsilonRun)?.config
  if ([...warmups, ...moves].includes('epsilon') && epsilon === undefined) return { ok: false, reason: 'An epsilon guide reads a score run of this space and dataset: choose one (or start one on the Runs page).' }
  const request: SearchStudyRequest = { space: form.space, dataset: form.dataset, algorithms, warmups, moves, budget: form.budget, repeats: form.repeats, seed: form.seed, pool: form.pool, warmupSteps: 64 }
  if (epsilon !== undefined) request.epsilon = epsilon
  return { ok: true, request }
}
