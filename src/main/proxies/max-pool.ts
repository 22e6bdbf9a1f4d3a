import type { GradSaveFunc, Tensor, Tensor4D } from '@tensorflow/tfjs-core'
import type { TfjsRuntime } from '../core/backends/tfjs/runtime.ts'

type Tf = TfjsRuntime['tf']
type Shape4 = [number, number, number, number]

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
      const sources = maxPoolSources(savedInput.dataSync() as Float32Array, savedInput.shape as Shape4, kernel, strides)
      return tf.tensor4d(scatterAdd(dy.dataSync() as Float32Array, sources, savedInput.size), savedInput.shape as Shape4)
    }
    return { value, gradFunc }
  })
  return run(padded) as Tensor4D
}

/**
 * x's values at `sources` (flat indices into x; 0 where -1), shaped `shape`: what max pooling takes
 * of any tensor of its input's shape once the maxima are known (grasp's tangent of a max pool). The
 * gradient goes back to the same places, summed where two outputs took one input.
 */
export function gatherAt(tf: Tf, x: Tensor4D, sources: Int32Array, shape: Shape4): Tensor4D {
  const run = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const [input] = args as [Tensor4D]
    const values = input.dataSync()
    const gathered = Float32Array.from(sources, (at) => (at < 0 ? 0 : values[at]))
    const gradFunc = (dy: Tensor): Tensor => tf.tensor4d(scatterAdd(dy.dataSync() as Float32Array, sources, input.size), input.shape as Shape4)
    return { value: tf.tensor4d(gathered, shape), gradFunc }
  })
  return run(x) as Tensor4D
}

/** The flat input index each output of a 'valid' max pool over `data` takes (-1: none), from firstMaxima's window positions. */
export function maxPoolSources(data: Float32Array, shape: Shape4, kernel: readonly [number, number], strides: readonly [number, number]): Int32Array {
  const [n, height, width, channels] = shape
  const offsets = firstMaxima(data, shape, kernel, strides)
  const outHeight = Math.floor((height - kernel[0]) / strides[0]) + 1
  const outWidth = Math.floor((width - kernel[1]) / strides[1]) + 1
  const sources = new Int32Array(offsets.length)
  let o = 0
  for (let b = 0; b < n; b++)
    for (let p = 0; p < outHeight; p++)
      for (let q = 0; q < outWidth; q++)
        for (let c = 0; c < channels; c++, o++) {
          if (offsets[o] < 0) {
            sources[o] = -1
            continue
          }
          const i = Math.floor(offsets[o] / kernel[1])
          const j = offsets[o] % kernel[1]
          sources[o] = ((b * height + p * strides[0] + i) * width + q * strides[1] + j) * channels + c
        }
  return sources
}

/** `values` added into an array of `size` at `sources` (-1: dropped). */
function scatterAdd(values: Float32Array, sources: Int32Array, size: number): Float32Array {
  const out = new Float32Array(size)
  for (let o = 0; o < sources.length; o++) if (sources[o] >= 0) out[sources[o]] += values[o]
  return out
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
