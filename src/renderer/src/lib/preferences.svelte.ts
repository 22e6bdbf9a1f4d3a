/**
 * Choices that outlive a page: the weight pair picked on the Weights page ("use it"), which the
 * Runs page offers as "automatic". Kept in localStorage so a reload keeps them.
 */
import type { WeightPair } from '../../../shared/types.ts'

/** A weight pair the user chose, with where it came from. */
export interface ChosenWeights {
  pair: [number, number]
  /** e.g. "automatic choice of sweep job-abc (grid, NaN < 10%)". */
  source: string
}

const KEY = 'epsinas-chosen-weights'

/** The shared preferences of this window. */
export class Preferences {
  chosenWeights = $state<ChosenWeights | null>(null)

  constructor(private readonly storage: Storage | null) {
    try {
      const raw = storage?.getItem(KEY)
      if (raw) this.chosenWeights = JSON.parse(raw) as ChosenWeights
    } catch {
      // A corrupt entry is ignored; the next choice overwrites it.
      this.chosenWeights = null
    }
  }

  /** Makes `pair` the automatic weight pair of new runs. */
  useWeights(pair: WeightPair, source: string): void {
    this.chosenWeights = { pair: [pair[0], pair[1]], source }
    this.storage?.setItem(KEY, JSON.stringify(this.chosenWeights))
  }
}

/** The window's preferences. */
export const preferences = new Preferences(typeof localStorage === 'undefined' ? null : localStorage)
