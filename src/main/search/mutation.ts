import type { SeededRandom } from '../core/random.ts'
import { editDistanceNeighbours, nearestTo } from './neighbours.ts'

/**
 * One mutation of arch `i` of a search problem: the index of the child; `i` itself only where no
 * other arch exists or the space's own draw gives the parent's module back (NB101, as its reference).
 */
export type Mutation = (i: number, rng: SeededRandom) => number

/**
 * The mutation over a finite set of archs. With the space's mutation tokens (SearchSpace.mutationTokens):
 * a uniform pick among the archs at the smallest edit distance from the parent (neighbours.ts),
 * which is the reference's one-token mutation wherever a one-token neighbour is in the set. Without
 * (a space with no structure, such as an imported folder of ONNX files): a uniform draw among the other archs.
 */
export function mutationOver(archs: readonly string[], tokens: ((arch: string) => readonly string[]) | null): Mutation {
  if (tokens === null) return uniformOther(archs.length)
  const neighbours = editDistanceNeighbours(archs, tokens)
  return (i, rng) => {
    const options = neighbours(i)
    return options.length === 0 ? i : options[rng.nextInt(options.length)]
  }
}

/** Any arch but the parent, uniformly. */
function uniformOther(n: number): Mutation {
  return (i, rng) => {
    if (n < 2) return i
    const j = rng.nextInt(n - 1)
    return j >= i ? j + 1 : j
  }
}

/**
 * The mutation of a space that draws its own (SearchSpace.mutate: NB101's NASLib mutation): the
 * drawn child where it is one of `archs` (by `identity`: NB101's module hash, so an isomorphic spec
 * is the installed module; the parent's own module too, trained again as in the reference), else a
 * uniform pick among the archs nearest the child in mutation tokens: what can be trained closest to
 * what the reference would have trained. With every arch of the space installed, the reference exactly.
 */
export function drawnMutation(
  archs: readonly string[],
  draw: (arch: string, rng: SeededRandom) => string,
  tokens: (arch: string) => readonly string[],
  identity: (arch: string) => string,
): Mutation {
  const indexOf = new Map<string, number>()
  archs.forEach((arch, i) => {
    const key = identity(arch)
    if (!indexOf.has(key)) indexOf.set(key, i)
  })
  // Only children that are not installed need the token lists: none where the whole space is.
  let lists: ReadonlyArray<readonly string[]> | null = null
  const nearestOf = new Map<string, readonly number[]>()
  return (i, rng) => {
    const child = draw(archs[i], rng)
    const found = indexOf.get(identity(child))
    if (found !== undefined) return found
    const childTokens = tokens(child)
    const key = childTokens.join('\u0000')
    let options = nearestOf.get(key)
    if (options === undefined) {
      lists ??= archs.map(tokens)
      options = nearestTo(childTokens, lists)
      nearestOf.set(key, options)
    }
    return options.length === 0 ? i : options[rng.nextInt(options.length)]
  }
}
