import { nb201ArchFromOpIndices, normalizeNb201Arch } from '../../core/spaces/nb201/arch.ts'
import { normalizeNb101Arch } from '../../core/spaces/nb101/spec.ts'

/*
 * NASLib's architecture keys (automl/NASLib, naslib/search_spaces/<space>/conversions.py) to ours.
 *
 * NB201: str(tuple(op_indices)), six indices over NASLib's EDGE_LIST
 *   ((1,2), (1,3), (1,4), (2,3), (2,4), (3,4)) -- 1-based nodes, so (1,2) is node 0 -> 1 --
 * into OP_NAMES_NB201 = [skip_connect, none, nor_conv_3x3, nor_conv_1x1, avg_pool_3x3].
 * Our string lists edges by target node: (0->1), (0->2), (1->2), (0->3), (1->3), (2->3), i.e.
 * NASLib positions 0, 1, 3, 2, 4, 5, and our op order is [none, skip_connect, nor_conv_1x1,
 * nor_conv_3x3, avg_pool_3x3]. This is NASLib's convert_op_indices_to_str (its notebook helper
 * convert_tuple_to_str_201 skips the reordering and is wrong).
 *
 * NB101: str(tuple(matrix.flatten()) + tuple(op indices)), length n*n + n, op indices into
 * [input, output, maxpool3x3, conv1x1-bn-relu, conv3x3-bn-relu] (convert_spec_to_tuple).
 */

/** NASLib NB201 op index -> index into our NB201_OPS. */
const NASLIB_TO_OURS = [1, 0, 3, 2, 4] as const
/** Our edge k is NASLib's edge EDGE_ORDER[k]. */
const EDGE_ORDER = [0, 1, 3, 2, 4, 5] as const

const NASLIB_NB101_OPS = ['input', 'output', 'maxpool3x3', 'conv1x1-bn-relu', 'conv3x3-bn-relu'] as const

/** The integers of a Python tuple repr like "(4, 3, 3, 0, 0, 0)". */
export function parseTupleKey(key: string): number[] {
  const match = /^\(\s*(-?\d+(?:\s*,\s*-?\d+)*)\s*,?\s*\)$/.exec(key.trim())
  if (match === null) throw new Error(`key ${JSON.stringify(key)} is not a tuple of integers`)
  return match[1].split(',').map((part) => Number(part.trim()))
}

/** Our arch string for a NASLib NB201 op-index tuple, e.g. "(4, 3, 3, 0, 0, 0)" -> arch 0 of NB201. */
export function nb201ArchFromNaslib(indices: readonly number[]): string {
  if (indices.length !== 6 || indices.some((i) => !Number.isInteger(i) || i < 0 || i > 4)) {
    throw new Error(`expected 6 NASLib op indices in 0..4, got (${indices.join(', ')})`)
  }
  return nb201ArchFromOpIndices(EDGE_ORDER.map((k) => NASLIB_TO_OURS[indices[k]]))
}

/** Our arch string for a Suite-Zero NB201 key: a NASLib tuple, or already an arch string. */
export function nb201ArchFromSuiteZeroKey(key: string): string {
  return key.trim().startsWith('|') ? normalizeNb201Arch(key) : nb201ArchFromNaslib(parseTupleKey(key))
}

/** Matrix ('0'/'1' row-major) and op labels of a Suite-Zero NB101 key. */
export function nb101SpecFromSuiteZeroKey(key: string): { matrix: string; ops: string[] } {
  const values = parseTupleKey(key)
  const n = Math.round((-1 + Math.sqrt(1 + 4 * values.length)) / 2)
  if (n * n + n !== values.length || n < 2 || n > 7) throw new Error(`key of ${values.length} numbers is not n*n + n for n in 2..7`)
  const matrixValues = values.slice(0, n * n)
  if (matrixValues.some((v) => v !== 0 && v !== 1)) throw new Error('adjacency entries must be 0 or 1')
  const ops = values.slice(n * n).map((i) => {
    const op = NASLIB_NB101_OPS[i]
    if (op === undefined) throw new Error(`op index ${i} is not 0..4`)
    return op
  })
  return { matrix: matrixValues.join(''), ops }
}

/**
 * The spec of a Suite-Zero NB101 key in the form `epsinas score` writes NB101 archs: validated,
 * pruned, compact JSON with the vertex order kept. A spec NB101 cannot hold throws a plain Error
 * (the importer adds where in the file it is).
 */
export function nb101SpecText(matrix: string, ops: readonly string[]): string {
  try {
    return normalizeNb101Arch(JSON.stringify({ matrix: matrixRows(matrix), ops }))
  } catch (error) {
    throw new Error((error as Error).message)
  }
}

/** A row-major '0'/'1' string of n*n as the matrix rows of a spec. */
export function matrixRows(matrix: string): number[][] {
  const n = Math.round(Math.sqrt(matrix.length))
  return Array.from({ length: n }, (_, i) => Array.from(matrix.slice(i * n, (i + 1) * n), Number))
}
