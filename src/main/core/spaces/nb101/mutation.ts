import type { SeededRandom } from '../../random.ts'
import { EpsinasError } from '../../../../shared/errors.ts'
import { NB101_MAX_VERTICES, NB101_OPS, parseNb101Spec, type Nb101Label, type Nb101Op, type Nb101Spec } from './spec.ts'

/** The op NASLib gives a padded vertex (nasbench101/graph.py, convert_to_cell). */
const PADDED_OP: Nb101Op = 'conv3x3-bn-relu'

/**
 * A spec as the reference NB101 mutation sees it (nasbench's example `mutate_spec`, NASLib's
 * nasbench101 `mutate`): the 21 bits of the 7x7 upper triangle, then the ops of the 5 inner
 * vertices. A spec with fewer vertices is padded as NASLib pads one (convert_to_cell): the missing
 * vertices go just before the output, unconnected, with op conv3x3. NASLib flips each bit with
 * probability 1/7 and changes each op with probability 1/3 (nasbench's example: 1/7 and 1/5),
 * redrawing until the spec is valid; one token changed here is one flip or one op change, so the
 * number of differing tokens is the edit distance on the padded matrix and ops.
 */
export function nb101MutationTokens(spec: Nb101Spec): string[] {
  const { matrix, ops } = padded(spec)
  const tokens: string[] = []
  for (let i = 0; i < NB101_MAX_VERTICES; i++) for (let j = i + 1; j < NB101_MAX_VERTICES; j++) tokens.push(String(matrix[i][j]))
  for (let v = 1; v < NB101_MAX_VERTICES - 1; v++) tokens.push(ops[v])
  return tokens
}

/** NASLib's rates (nasbench101/graph.py, `mutate`): each bit flips with 1/7, each inner op changes with 1/3. */
const FLIP_PROBABILITY = 1 / NB101_MAX_VERTICES
const OP_CHANGE_PROBABILITY = 1 / NB101_OPS.length

/** Draws rejected (invalid specs) before giving up: far beyond what any spec needs (NASLib loops forever). */
const MAX_DRAWS = 100_000

/**
 * One mutation as NASLib draws it: on the padded spec, every bit of the upper triangle flips with
 * probability 1/7 and every inner op changes with probability 1/3 to one of the other two, drawn
 * again until the spec is valid (the input reaches the output, at most 9 edges after pruning); the
 * result is pruned like every spec. It can be the parent's own module again (a flip on an edge
 * pruning removes), as in NASLib, where that child is trained again.
 */
export function nb101Mutate(spec: Nb101Spec, random: SeededRandom): Nb101Spec {
  const parent = padded(spec)
  for (let draw = 0; draw < MAX_DRAWS; draw++) {
    const matrix = parent.matrix.map((row) => [...row])
    const ops = [...parent.ops]
    for (let i = 0; i < NB101_MAX_VERTICES; i++) {
      for (let j = i + 1; j < NB101_MAX_VERTICES; j++) if (random.nextFloat() < FLIP_PROBABILITY) matrix[i][j] = 1 - matrix[i][j]
    }
    for (let v = 1; v < NB101_MAX_VERTICES - 1; v++) {
      if (random.nextFloat() < OP_CHANGE_PROBABILITY) {
        const others = NB101_OPS.filter((op) => op !== ops[v])
        ops[v] = others[random.nextInt(others.length)]
      }
    }
    try {
      return parseNb101Spec({ matrix, ops })
    } catch (error) {
      // An invalid draw is redrawn, as the reference does; anything else is a bug.
      if (!(error instanceof EpsinasError && error.code === 'BAD_ARCH')) throw error
    }
  }
  throw new EpsinasError('BAD_ARCH', `no valid NAS-Bench-101 mutation in ${MAX_DRAWS} draws`)
}

/** The spec in NASLib's 7-vertex frame: inner vertices keep their place, the output is the last, the rest is padding. */
function padded(spec: Nb101Spec): { matrix: number[][]; ops: Nb101Label[] } {
  const n = spec.ops.length
  const place = (v: number): number => (v === n - 1 ? NB101_MAX_VERTICES - 1 : v)
  const matrix: number[][] = Array.from({ length: NB101_MAX_VERTICES }, () => new Array<number>(NB101_MAX_VERTICES).fill(0))
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) matrix[place(i)][place(j)] = spec.matrix[i][j]
  const ops: Nb101Label[] = Array.from({ length: NB101_MAX_VERTICES }, (_, v) => (v === 0 ? 'input' : v === NB101_MAX_VERTICES - 1 ? 'output' : v < n - 1 ? spec.ops[v] : PADDED_OP))
  return { matrix, ops }
}
