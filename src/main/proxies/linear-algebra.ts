/**
 * The two small dense-matrix computations the proxies need on a batch-by-batch matrix (64 x 64 at
 * the reference batch), in float64 as numpy does them. Written here rather than taken from a
 * library: each is a dozen lines, and the project has no linear-algebra dependency to reuse.
 */

/** log |det A| of a square row-major matrix (numpy's slogdet logabsdet): LU with partial pivoting; -inf when singular. */
export function logAbsDeterminant(matrix: Float64Array, n: number): number {
  const a = Float64Array.from(matrix)
  let sum = 0
  for (let k = 0; k < n; k++) {
    let pivot = k
    for (let r = k + 1; r < n; r++) if (Math.abs(a[r * n + k]) > Math.abs(a[pivot * n + k])) pivot = r
    const p = a[pivot * n + k]
    if (p === 0) return -Infinity
    if (pivot !== k) {
      for (let c = 0; c < n; c++) {
        const t = a[k * n + c]
        a[k * n + c] = a[pivot * n + c]
        a[pivot * n + c] = t
      }
    }
    sum += Math.log(Math.abs(p))
    for (let r = k + 1; r < n; r++) {
      const f = a[r * n + k] / p
      if (f === 0) continue
      for (let c = k + 1; c < n; c++) a[r * n + c] -= f * a[k * n + c]
    }
  }
  return sum
}

/** Eigenvalues of a symmetric row-major matrix (cyclic Jacobi rotations until the off-diagonal vanishes). */
export function symmetricEigenvalues(matrix: Float64Array, n: number): number[] {
  const a = Float64Array.from(matrix)
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2
    if (off < 1e-30) break
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]
        if (apq === 0) continue
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]
          const akq = a[k * n + q]
          a[k * n + p] = c * akp - s * akq
          a[k * n + q] = s * akp + c * akq
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]
          const aqk = a[q * n + k]
          a[p * n + k] = c * apk - s * aqk
          a[q * n + k] = s * apk + c * aqk
        }
      }
    }
  }
  return Array.from({ length: n }, (_, i) => a[i * n + i])
}

/** numpy.corrcoef of the rows of a [rows, cols] matrix, in float64: rows x rows. */
export function rowCorrelations(data: Float32Array, rows: number, cols: number): Float64Array {
  const centred = new Float64Array(rows * cols)
  for (let r = 0; r < rows; r++) {
    let mean = 0
    for (let c = 0; c < cols; c++) mean += data[r * cols + c]
    mean /= cols
    for (let c = 0; c < cols; c++) centred[r * cols + c] = data[r * cols + c] - mean
  }
  const cov = new Float64Array(rows * rows)
  for (let i = 0; i < rows; i++) {
    for (let j = i; j < rows; j++) {
      let s = 0
      for (let c = 0; c < cols; c++) s += centred[i * cols + c] * centred[j * cols + c]
      cov[i * rows + j] = s
      cov[j * rows + i] = s
    }
  }
  const out = new Float64Array(rows * rows)
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < rows; j++) {
      // numpy clips to [-1, 1]; a constant row gives 0/0 = NaN there too.
      const r = cov[i * rows + j] / Math.sqrt(cov[i * rows + i] * cov[j * rows + j])
      out[i * rows + j] = Math.max(-1, Math.min(1, r))
    }
  }
  return out
}
