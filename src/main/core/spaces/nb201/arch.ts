import { cutInput, EpsinasError, quoteInput } from '../../../../shared/errors.ts'

/** The five NAS-Bench-201 edge operations, in the benchmark's order. */
export const NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const

/** One NAS-Bench-201 edge operation. */
export type Nb201Op = (typeof NB201_OPS)[number]

/** An edge of the cell: `op` applied to node `from`. */
export interface Nb201Edge {
  op: Nb201Op
  from: number
}

/** A parsed cell: `nodes[j-1]` lists the incoming edges of node j (j = 1..3) in arch-string order. */
export interface Nb201Cell {
  nodes: readonly (readonly Nb201Edge[])[]
}

/** Number of architectures in the space: 5 ops on 6 edges. */
export const NB201_SIZE = NB201_OPS.length ** 6

const OP_SET: ReadonlySet<string> = new Set(NB201_OPS)

function bad(arch: string, where: string, what: string): never {
  throw new EpsinasError('BAD_ARCH', `malformed NAS-Bench-201 arch string ${quoteInput(arch)}: ${where}: ${what}`)
}

/**
 * Parses `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`. Node j must list exactly the inputs 0..j-1 in order;
 * every error names the node and edge it is about.
 */
export function parseNb201Arch(arch: string): Nb201Cell {
  if (typeof arch !== 'string' || arch.trim() === '') bad(String(arch), 'whole string', 'empty')
  const trimmed = arch.trim()
  const parts = trimmed.split('+')
  if (parts.length !== 3) bad(arch, 'whole string', `expected 3 node groups separated by '+', found ${parts.length}`)
  const nodes = parts.map((part, index) => {
    const node = index + 1
    if (!part.startsWith('|') || !part.endsWith('|') || part.length < 2) {
      bad(arch, `node ${node} (${quoteInput(part)})`, "each node group must start and end with '|'")
    }
    const edges = part.slice(1, -1).split('|')
    if (edges.length !== node) bad(arch, `node ${node}`, `expected ${node} incoming edge(s), found ${edges.length}`)
    return edges.map((edge, position): Nb201Edge => {
      const where = `node ${node}, edge ${position + 1} (${quoteInput(edge)})`
      const pieces = edge.split('~')
      if (pieces.length !== 2) bad(arch, where, "expected 'op~input'")
      const [op, from] = pieces
      if (!OP_SET.has(op)) bad(arch, where, `unknown op '${cutInput(op)}' (expected one of ${NB201_OPS.join(', ')})`)
      if (!/^\d+$/.test(from) || Number(from) !== position) {
        bad(arch, where, `input must be ${position} (edges list inputs 0..${node - 1} in order), found '${cutInput(from)}'`)
      }
      return { op: op as Nb201Op, from: position }
    })
  })
  return { nodes }
}

/** Writes a cell back as the benchmark's arch string. */
export function formatNb201Arch(cell: Nb201Cell): string {
  return cell.nodes.map((edges) => `|${edges.map((e) => `${e.op}~${e.from}`).join('|')}|`).join('+')
}

/** Parses and re-formats: the one spelling every store key uses. */
export function normalizeNb201Arch(arch: string): string {
  return formatNb201Arch(parseNb201Arch(arch))
}

/** The arch with ops given as indices into NB201_OPS for the edges (1<-0), (2<-0), (2<-1), (3<-0), (3<-1), (3<-2). */
export function nb201ArchFromOpIndices(indices: readonly number[]): string {
  if (indices.length !== 6 || indices.some((i) => !Number.isInteger(i) || i < 0 || i >= NB201_OPS.length)) {
    throw new EpsinasError('BAD_ARCH', `expected 6 op indices in 0..4, got [${indices.join(', ')}]`)
  }
  const op = (k: number): Nb201Op => NB201_OPS[indices[k]]
  return `|${op(0)}~0|+|${op(1)}~0|${op(2)}~1|+|${op(3)}~0|${op(4)}~1|${op(5)}~2|`
}

/** Architecture number `index` (0..15624) in base-5 order of op indices; not the benchmark's own numbering. */
export function nb201ArchAt(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= NB201_SIZE) {
    throw new EpsinasError('BAD_ARGUMENT', `NAS-Bench-201 enumeration index must be in 0..${NB201_SIZE - 1}, got ${index}`)
  }
  const digits: number[] = []
  let rest = index
  for (let k = 0; k < 6; k++) {
    digits.unshift(rest % NB201_OPS.length)
    rest = Math.floor(rest / NB201_OPS.length)
  }
  return nb201ArchFromOpIndices(digits)
}

/** All 15,625 arch strings. */
export function enumerateNb201(): string[] {
  return Array.from({ length: NB201_SIZE }, (_, i) => nb201ArchAt(i))
}
