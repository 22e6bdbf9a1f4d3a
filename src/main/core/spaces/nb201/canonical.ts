import type { Nb201Cell, Nb201Op } from './arch.ts'
import { parseNb201Arch } from './arch.ts'

/**
 * The effective computation of a NAS-Bench-201 cell as an expression tree, with the rewrites that
 * keep every value bit-identical while no inf/NaN can occur (checked by `bound.ts` before use):
 * - `none` edges contribute x * 0 = 0, and a + 0 == a: they are dropped;
 * - an op applied to an all-zero node is zero (conv-BN of 0 is 0, pooling 0 is 0): dropped too;
 * - skip_connect is the same tensor, not a copy;
 * - two-term sums are ordered canonically (a + b == b + a exactly); three-term sums keep their
 *   arch-string order, because float addition is not associative.
 */
export type CellExpr =
  | { kind: 'input' }
  | { kind: 'zero' }
  | { kind: 'op'; op: Exclude<Nb201Op, 'none' | 'skip_connect'>; of: CellExpr }
  | { kind: 'sum'; terms: readonly CellExpr[] }

const ZERO: CellExpr = { kind: 'zero' }
const INPUT: CellExpr = { kind: 'input' }

/** A stable text for an expression; equal texts mean equal computations. */
export function exprKey(expr: CellExpr): string {
  switch (expr.kind) {
    case 'input':
      return 'x'
    case 'zero':
      return '0'
    case 'op':
      return `${expr.op}(${exprKey(expr.of)})`
    case 'sum':
      return `sum(${expr.terms.map(exprKey).join(',')})`
  }
}

function term(op: Nb201Op, from: CellExpr): CellExpr | null {
  if (op === 'none' || from.kind === 'zero') return null
  if (op === 'skip_connect') return from
  return { kind: 'op', op, of: from }
}

/** Expression of every node of the cell (index 0 is the cell input). */
export function cellNodeExprs(cell: Nb201Cell): CellExpr[] {
  const exprs: CellExpr[] = [INPUT]
  for (const edges of cell.nodes) {
    const terms = edges.map((edge) => term(edge.op, exprs[edge.from])).filter((t): t is CellExpr => t !== null)
    if (terms.length === 0) exprs.push(ZERO)
    else if (terms.length === 1) exprs.push(terms[0])
    else if (terms.length === 2) exprs.push({ kind: 'sum', terms: [...terms].sort((a, b) => (exprKey(a) < exprKey(b) ? -1 : 1)) })
    else exprs.push({ kind: 'sum', terms })
  }
  return exprs
}

/** Expression of the cell output (node 3). */
export function cellOutputExpr(cell: Nb201Cell): CellExpr {
  const exprs = cellNodeExprs(cell)
  return exprs[exprs.length - 1]
}

/** Canonical id of an arch string: archs with the same id build the same pruned network. */
export function nb201CanonicalKey(arch: string): string {
  return exprKey(cellOutputExpr(parseNb201Arch(arch)))
}
