import { md5Hex } from '../../md5.ts'
import { NB101_OPS, type Nb101Op, type Nb101Spec, parseNb101Spec } from './spec.ts'

/**
 * The official NAS-Bench-101 module hash (google-research/nasbench lib/graph_util.py `hash_module`,
 * model_spec.py `hash_spec`): the key of every record of the benchmark file. An iterative
 * (Weisfeiler-Lehman style) MD5 hash, invariant under vertex permutations, so isomorphic specs share
 * it. Every string that is hashed is reproduced byte for byte as Python formats it.
 */

/** Python `str(sorted(list_of_str))` for hex strings: `['a', 'b']`. */
function pythonListRepr(items: readonly string[]): string {
  return `[${items.map((item) => `'${item}'`).join(', ')}]`
}

/** Code-unit order, as Python sorts str (the hashes are ASCII hex). */
function sorted(items: readonly string[]): string[] {
  return [...items].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

/**
 * `graph_util.hash_module(matrix, labeling)`: one MD5 per vertex of `(out_degree, in_degree, label)`,
 * then V rounds of md5(sorted in-neighbour hashes | sorted out-neighbour hashes | own hash), then the
 * MD5 of the sorted list. `labeling` is -1 for the input, -2 for the output, else the op index.
 */
export function hashModule(matrix: readonly (readonly number[])[], labeling: readonly number[]): string {
  const v = matrix.length
  const range = Array.from({ length: v }, (_, i) => i)
  const inDegree = range.map((j) => range.reduce((sum, i) => sum + matrix[i][j], 0))
  const outDegree = range.map((i) => range.reduce((sum, j) => sum + matrix[i][j], 0))
  let hashes = range.map((i) => md5Hex(`(${outDegree[i]}, ${inDegree[i]}, ${labeling[i]})`))
  for (let round = 0; round < v; round++) {
    hashes = range.map((vertex) => {
      const inNeighbours = range.filter((w) => matrix[w][vertex]).map((w) => hashes[w])
      const outNeighbours = range.filter((w) => matrix[vertex][w]).map((w) => hashes[w])
      return md5Hex(`${sorted(inNeighbours).join('')}|${sorted(outNeighbours).join('')}|${hashes[vertex]}`)
    })
  }
  return md5Hex(pythonListRepr(sorted(hashes)))
}

/** `ModelSpec.hash_spec(available_ops)` of a spec (text or parsed; it is validated and pruned first). */
export function nb101Hash(spec: Nb101Spec | string): string {
  const pruned = parseNb101Spec(spec)
  const last = pruned.ops.length - 1
  const labeling = pruned.ops.map((op, i) => (i === 0 ? -1 : i === last ? -2 : NB101_OPS.indexOf(op as Nb101Op)))
  return hashModule(pruned.matrix, labeling)
}
