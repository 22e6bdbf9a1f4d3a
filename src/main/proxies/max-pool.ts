import type { GradSaveFunc, Tensor, Tensor4D } from '@tensorflow/tfjs-core'
import type { TfjsRuntime } from '../core/backends/tfjs/runtime.ts'

type Tf = TfjsRuntime['tf']

/**
 * Max pooling of an already padded NHWC input ('valid' windows, no dilation) whose gradient goes to
 * each window's first maximum in row-major window order, PyTorch's choice on a tie. tfjs-wasm's own
 * MaxPoolGrad kernel loses gradients: on a 4 x 4 map padded with -inf it sent nothing to the maximum
 * of the bottom-left window (tests/proxies/max-pool.test.ts), so the backward here is computed from
 * the saved input in plain loops.
 */
export function maxPoolWithGradient(tf: Tf, padded: Tensor4D, kernel: readonly [number, number], strides: readonly [number, number]): Tensor4D {
  const run = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const [input, save] = args as [Tensor4D, GradSaveFunc]
    save([input])
    const value = tf.maxPool(input, [kernel[0], kernel[1]], [strides[0], strides[1]], 'valid')
    const gradFunc = (dy: Tensor, [savedInput]: Tensor[]): Tensor => {
      const shape = savedInput.shape as [number, number, number, number]
      const [n, height, width, channels] = shape
      const [, outHeight, outWidth] = dy.shape as [number, number, number, number]
      const offsets = firstMaxima(savedInput.dataSync() as Float32Array, shape, kernel, strides)
      const gradient = dy.dataSync()
      const dx = new Float32Array(savedInput.size)
      let o = 0
      for (let b = 0; b < n; b++)
        for (let p = 0; p < outHeight; p++)
          for (let q = 0; q < outWidth; q++)
            for (let c = 0; c < channels; c++, o++) {
              if (offsets[o] < 0) continue
              const i = Math.floor(offsets[o] / kernel[1])
              const j = offsets[o] % kernel[1]
              dx[((b * height + p * strides[0] + i) * width + q * strides[1] + j) * channels + c] += gradient[o]
            }
      return tf.tensor4d(dx, shape)
    }
    return { value, gradFunc }
  })
  return run(padded) as Tensor4D
}

/**
 * For every output of a 'valid' max pool over `data` (NHWC `shape`), which window position it takes,
 * i * kw + j: the first maximum of its window in row-major order (-1 for a window of NaN only, which
 * has no maximum to send a gradient to).
 */
export function firstMaxima(data: Float32Array, shape: readonly [number, number, number, number], kernel: readonly [number, number], strides: readonly [number, number]): Int32Array {
  const [n, height, width, channels] = shape
  const outHeight = Math.floor((height - kernel[0]) / strides[0]) + 1
  const outWidth = Math.floor((width - kernel[1]) / strides[1]) + 1
  const offsets = new Int32Array(n * outHeight * outWidth * channels)
  let o = 0
  for (let b = 0; b < n; b++) {
    for (let p = 0; p < outHeight; p++) {
      for (let q = 0; q < outWidth; q++) {
        for (let c = 0; c < channels; c++) {
          let best = -1
          let bestValue = Number.NEGATIVE_INFINITY
          for (let i = 0; i < kernel[0]; i++) {
            for (let j = 0; j < kernel[1]; j++) {
              const at = ((b * height + p * strides[0] + i) * width + q * strides[1] + j) * channels + c
              // Strictly greater keeps the first of equal maxima; >= for the first so that an all -inf window still has one.
              if (best < 0 ? data[at] >= bestValue : data[at] > bestValue) (best = i * kernel[1] + j), (bestValue = data[at])
            }
          }
          offsets[o++] = best
        }
      }
    }
  }
  return offsets
}
