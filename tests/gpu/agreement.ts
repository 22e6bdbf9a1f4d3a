/**
 * How closely WebGPU must agree with tfjs-wasm (docs/gpu.md says why each number). Both run
 * float32; the GPU sums convolutions, BatchNorm statistics and reductions in another order, so
 * values differ in their last bits and the differences grow through ~20 layers (~1e-6 relative).
 * Epsilon is built from outputs min-max normalised to [0, 1], so those differences reach it as
 * ~1e-6 absolute: an arch whose epsilon is itself tiny (7e-5 for an all-avg-pool cell) differs by
 * more than 1e-4 relative while its absolute difference is 6e-8. Hence relative + absolute.
 */
export const TOLERANCES: Readonly<Record<string, { relative: number; absolute: number }>> = {
  epsilon: { relative: 1e-4, absolute: 1e-6 },
  // log|det K| of integer counts: exact unless a pre-ReLU value within rounding of 0 flips.
  nwot: { relative: 1e-5, absolute: 0 },
  // eigenvalues of a correlation of Jacobian rows, after a backward pass.
  jacov: { relative: 1e-3, absolute: 0 },
}

/** |a - b| relative to the larger magnitude; 0 when equal, infinite when only one is null (NaN/undefined). */
export function relativeDifference(a: number | null, b: number | null): number {
  if (a === null || b === null) return a === b ? 0 : Number.POSITIVE_INFINITY
  return a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b))
}

/** Whether two values of `name` agree within its tolerance (both null agrees). */
export function agrees(name: string, a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b
  const { relative, absolute } = TOLERANCES[name]
  return Math.abs(a - b) <= relative * Math.max(Math.abs(a), Math.abs(b)) + absolute
}
