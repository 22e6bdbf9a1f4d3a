import { EpsinasError, quoteInput } from '../../../../shared/errors.ts'

/**
 * NAS-Bench-101 model specs: an upper-triangular 0/1 adjacency matrix over 2..7 vertices and one
 * op label per vertex. Validation and pruning follow the official `ModelSpec` and
 * `NASBench._check_spec` (google-research/nasbench, lib/model_spec.py and api.py): vertices that are
 * not on a path from the input to the output are removed, keeping the order of the others; a spec
 * whose input does not reach its output, or with more than 9 edges after pruning, is invalid.
 * Stricter than the official code in one respect: every label is checked, also on vertices that
 * pruning removes, so a typo never passes silently.
 */

/** The inner-vertex ops in the official `available_ops` order (lib/config.py); the hash encodes an op by its index here. */
export const NB101_OPS = ['conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3'] as const

/** One inner-vertex op. */
export type Nb101Op = (typeof NB101_OPS)[number]

/** A vertex label: `input`, `output` or an op. */
export type Nb101Label = 'input' | 'output' | Nb101Op

/** A model spec: `matrix[i][j]` = 1 when vertex i feeds vertex j (i < j); `ops[i]` labels vertex i. */
export interface Nb101Spec {
  readonly matrix: readonly (readonly number[])[]
  readonly ops: readonly Nb101Label[]
}

/** Most vertices a spec may have, input and output included. */
export const NB101_MAX_VERTICES = 7
/** Most edges a pruned spec may have. */
export const NB101_MAX_EDGES = 9
/** Number of distinct graphs (module hashes) in the benchmark. */
export const NB101_SIZE = 423_624

const OP_SET: ReadonlySet<string> = new Set(NB101_OPS)

function bad(what: string): never {
  throw new EpsinasError('BAD_ARCH', `invalid NAS-Bench-101 spec: ${what}`)
}

/** Reads `{"matrix": [[...]], "ops": [...]}` (JSON text or an already parsed value) without validating the graph. */
function readSpec(input: unknown): { matrix: unknown; ops: unknown } {
  let value = input
  if (typeof input === 'string') {
    if (input.trim() === '') bad('empty text (expected {"matrix": [[...]], "ops": [...]})')
    if (/^[0-9a-f]{32}$/i.test(input.trim())) {
      bad(`${input.trim()} looks like a module hash; hashes resolve to specs only with the benchmark data installed (arriving with the data issue), so give the spec as {"matrix": [[...]], "ops": [...]}`)
    }
    try {
      value = JSON.parse(input)
    } catch (error) {
      bad(`not valid JSON (${(error as Error).message}); expected {"matrix": [[...]], "ops": [...]}`)
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad('expected a JSON object {"matrix": [[...]], "ops": [...]}')
  const record = value as Record<string, unknown>
  const unknown = Object.keys(record).filter((key) => key !== 'matrix' && key !== 'ops')
  if (unknown.length > 0) bad(`unknown key ${quoteInput(unknown[0])} (a spec has exactly "matrix" and "ops")`)
  if (!('matrix' in record)) bad('missing "matrix"')
  if (!('ops' in record)) bad('missing "ops"')
  return { matrix: record.matrix, ops: record.ops }
}

function checkMatrix(matrix: unknown): number[][] {
  if (!Array.isArray(matrix)) bad('"matrix" must be an array of rows')
  const v = matrix.length
  if (v < 2 || v > NB101_MAX_VERTICES) bad(`the matrix has ${v} rows; a spec has 2 to ${NB101_MAX_VERTICES} vertices`)
  return matrix.map((row: unknown, i) => {
    if (!Array.isArray(row)) bad(`matrix row ${i} is not an array`)
    if (row.length !== v) bad(`the matrix must be square: row ${i} has ${row.length} entries, expected ${v}`)
    return row.map((entry: unknown, j) => {
      if (entry !== 0 && entry !== 1) bad(`matrix[${i}][${j}] is ${quoteInput(entry)}; entries must be 0 or 1`)
      if (entry === 1 && j <= i) bad(`matrix[${i}][${j}] is 1: the matrix must be upper triangular (edges go from a vertex to a later one)`)
      return entry
    })
  })
}

function checkOps(ops: unknown, v: number): Nb101Label[] {
  if (!Array.isArray(ops)) bad('"ops" must be an array of labels')
  if (ops.length !== v) bad(`"ops" has ${ops.length} labels for a ${v}-vertex matrix`)
  return ops.map((op: unknown, i) => {
    const expected = i === 0 ? 'input' : i === v - 1 ? 'output' : null
    if (expected !== null) {
      if (op !== expected) bad(`ops[${i}] is ${quoteInput(op)}; the ${i === 0 ? 'first' : 'last'} vertex must be '${expected}'`)
      return expected
    }
    if (typeof op !== 'string' || !OP_SET.has(op)) bad(`ops[${i}] is ${quoteInput(op)}; expected one of ${NB101_OPS.join(', ')}`)
    return op as Nb101Op
  })
}

/** Vertices reachable from `start` following edges forwards (or backwards). */
function reachable(matrix: readonly (readonly number[])[], start: number, forward: boolean): Set<number> {
  const seen = new Set([start])
  const frontier = [start]
  while (frontier.length > 0) {
    const top = frontier.pop() as number
    for (let other = 0; other < matrix.length; other++) {
      const edge = forward ? matrix[top][other] : matrix[other][top]
      if (edge && !seen.has(other)) {
        seen.add(other)
        frontier.push(other)
      }
    }
  }
  return seen
}

/** The official pruning: keep the vertices on some input-to-output path, in their order. */
function prune(matrix: number[][], ops: Nb101Label[]): Nb101Spec {
  const last = matrix.length - 1
  const fromInput = reachable(matrix, 0, true)
  const toOutput = reachable(matrix, last, false)
  const kept = matrix.map((_, v) => v).filter((v) => fromInput.has(v) && toOutput.has(v))
  if (!kept.includes(0) || !kept.includes(last)) bad(`the input is not connected to the output (no path from vertex 0 to vertex ${last})`)
  return { matrix: kept.map((i) => kept.map((j) => matrix[i][j])), ops: kept.map((v) => ops[v]) }
}

/** Number of edges of a spec. */
export function edgeCount(spec: Nb101Spec): number {
  return spec.matrix.reduce((sum, row) => sum + row.reduce((a, b) => a + b, 0), 0)
}

/**
 * Parses, validates and prunes a spec (JSON text or a parsed object). Throws BAD_ARCH with what is
 * wrong and where. The result is the pruned spec the network is built from and the hash is taken of.
 */
export function parseNb101Spec(input: unknown): Nb101Spec {
  const raw = readSpec(input)
  const matrix = checkMatrix(raw.matrix)
  const ops = checkOps(raw.ops, matrix.length)
  const pruned = prune(matrix, ops)
  const edges = edgeCount(pruned)
  if (edges > NB101_MAX_EDGES) bad(`${edges} edges after pruning; NAS-Bench-101 allows at most ${NB101_MAX_EDGES}`)
  return pruned
}

/** The one written form of a spec (compact JSON, `matrix` then `ops`): the store key of an NB101 arch. */
export function formatNb101Spec(spec: Nb101Spec): string {
  return JSON.stringify({ matrix: spec.matrix, ops: spec.ops })
}

/** Parses, validates, prunes and re-formats: equal texts mean the same pruned spec (vertex order kept). */
export function normalizeNb101Arch(arch: string): string {
  return formatNb101Spec(parseNb101Spec(arch))
}
