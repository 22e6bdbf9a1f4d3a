/** Every weight-selection strategy, one file each behind SelectionStrategy; the CLI and API list them from here. */
import { EpsinasError } from '../../../../shared/errors.ts'
import { agreementStrategy } from './agreement.ts'
import { gridStrategy } from './grid.ts'
import { plateauStrategy } from './plateau.ts'
import { referenceStrategy } from './reference.ts'
import type { SelectionStrategy } from './strategy.ts'

export { selectAgreement } from './agreement.ts'
export { selectGrid, type GridOptions } from './grid.ts'
export { selectPlateau, PLATEAU_AGREEMENT } from './plateau.ts'
export { referenceRange, selectReference } from './reference.ts'
export type { SelectionStrategy, StrategyOptions } from './strategy.ts'
export { DEFAULT_SELECTION_STRATEGY } from '../../../../shared/selection.ts'

/** In the order the CLI and the evaluation list them. */
export const STRATEGIES: readonly SelectionStrategy[] = [referenceStrategy, gridStrategy, plateauStrategy, agreementStrategy]

export function strategyIds(): string[] {
  return STRATEGIES.map((s) => s.id)
}

/** The strategy of an id; BAD_ARGUMENT naming the choices otherwise. */
export function getStrategy(id: string): SelectionStrategy {
  const found = STRATEGIES.find((s) => s.id === id)
  if (!found) throw new EpsinasError('BAD_ARGUMENT', `unknown selection strategy '${id}' (choices: ${strategyIds().join(', ')})`)
  return found
}
