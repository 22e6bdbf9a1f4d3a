/**
 * The spaces evolution can mutate: those whose arch ids are fixed-length token lists, so "one edge's
 * op changed" (the reference's NB201 mutation) is "one token changed". NB101 (a graph and its
 * isomorphisms), NB-NLP (recepie graphs) and imported spaces have no such edit distance here.
 */
const TOKENISERS: Readonly<Record<string, (arch: string) => string[]>> = {
  // |op~0|+|op~0|op~1|+|op~0|op~1|op~2|: the six edges' "op~from", in a fixed order.
  nb201: (arch) => arch.split(/[|+]/).filter((token) => token !== ''),
  // C1:C2:C3:C4:C5: the five channel counts.
  natssss: (arch) => arch.split(':'),
}

/** Spaces `epsinas search` runs on (their installed accuracies keyed by these arch strings). */
export const SEARCHABLE_SPACES: readonly string[] = Object.keys(TOKENISERS)

/** The space's tokeniser, or null when it has none. */
export function archTokens(space: string): ((arch: string) => string[]) | null {
  return TOKENISERS[space] ?? null
}
