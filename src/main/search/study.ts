import { REFERENCE_POPULATION, REFERENCE_TOURNAMENT, type GuideScores, type SearchProblem, type SearchVariant } from './problem.ts'
import { simulate, type VariantResult } from './simulate.ts'
import { NO_GUIDE, type VariantPlan } from './variants.ts'

/** What every variant of one study shares. */
export interface StudySettings {
  budget: number
  repeats: number
  seed: number
  /** Already capped at the number of archs. */
  pool: number
  warmupSteps: number
}

/** The search variant of a plan, its guides looked up by name (a name without a guide: none). */
export function variantOf(plan: VariantPlan, guides: ReadonlyMap<string, GuideScores>, settings: StudySettings): SearchVariant {
  const guide = (name: string): GuideScores | null => (name === NO_GUIDE ? null : (guides.get(name) ?? null))
  return {
    algorithm: plan.algorithm,
    budget: settings.budget,
    warmup: guide(plan.warmup),
    pool: settings.pool,
    warmupSteps: settings.warmupSteps,
    move: guide(plan.move),
    population: REFERENCE_POPULATION,
    tournament: REFERENCE_TOURNAMENT,
  }
}

/** Every plan's repeats, in order; `onRun(done, total)` after each run (a progress bar). */
export function simulateStudy(problem: SearchProblem, plans: readonly VariantPlan[], guides: ReadonlyMap<string, GuideScores>, settings: StudySettings, onRun?: (done: number, total: number) => void): VariantResult[] {
  const total = plans.length * settings.repeats
  return plans.map((plan, index) =>
    simulate(problem, variantOf(plan, guides, settings), { seed: settings.seed, repeats: settings.repeats, onRepeat: (done) => onRun?.(index * settings.repeats + done, total) }),
  )
}
