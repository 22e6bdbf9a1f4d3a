/** Sliding-window arithmetic of ONNX Conv / MaxPool / AveragePool, shared by the reader and the writer's sketch. */

/**
 * Output size along one axis (ONNX/PyTorch rule). In ceil mode the size rounds up, but the last
 * window must start inside the input or its begin padding. 0 when the window does not fit.
 */
export function windowOutput(size: number, kernel: number, stride: number, dilation: number, padBegin: number, padEnd: number, ceilMode: boolean): number {
  const room = size + padBegin + padEnd - ((kernel - 1) * dilation + 1)
  if (room < 0) return 0
  let out = (ceilMode ? Math.ceil(room / stride) : Math.floor(room / stride)) + 1
  if (ceilMode && (out - 1) * stride >= size + padBegin) out--
  return out
}

/**
 * auto_pad SAME_UPPER / SAME_LOWER as [top, left, bottom, right]: output ceil(size / stride), the
 * total pad split in two with the odd one at the end (UPPER) or at the beginning (LOWER).
 */
export function samePads(size: readonly [number, number], kernel: readonly [number, number], stride: readonly [number, number], dilation: readonly [number, number], upper: boolean): [number, number, number, number] {
  const begin: number[] = []
  const end: number[] = []
  for (let a = 0; a < 2; a++) {
    const out = Math.ceil(size[a] / stride[a])
    const total = Math.max(0, (out - 1) * stride[a] + (kernel[a] - 1) * dilation[a] + 1 - size[a])
    const small = Math.floor(total / 2)
    begin.push(upper ? small : total - small)
    end.push(upper ? total - small : small)
  }
  return [begin[0], begin[1], end[0], end[1]]
}
