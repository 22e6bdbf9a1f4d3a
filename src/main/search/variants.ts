/**
 * The variants a `search` command asks for: every algorithm x warm-up x move of the lists given
 * (move only for evolution: random search has no parent to choose), each named as the text table
 * and the JSON name it.
 */

/** A guide name: 'none', 'epsilon' or an installed proxy. */
export type GuideName = string

/** One variant's choices, before its guides are read. */
export interface VariantPlan {
  name: string
  algorithm: 'random' | 'evolution'
  warmup: GuideName
  move: GuideName
}

export const NO_GUIDE = 'none'

/** The cross product, in the order given; random search only with move none. */
export function planVariants(algorithms: ReadonlyArray<'random' | 'evolution'>, warmups: readonly GuideName[], moves: readonly GuideName[]): VariantPlan[] {
  const plans: VariantPlan[] = []
  for (const algorithm of algorithms) {
    for (const warmup of warmups) {
      for (const move of algorithm === 'random' ? [NO_GUIDE] : moves) plans.push({ name: variantName(algorithm, warmup, move), algorithm, warmup, move })
    }
  }
  return plans
}

function variantName(algorithm: string, warmup: GuideName, move: GuideName): string {
  return [algorithm, warmup === NO_GUIDE ? '' : `warm-up ${warmup}`, move === NO_GUIDE ? '' : `move ${move}`].filter((part) => part !== '').join(' + ')
}
