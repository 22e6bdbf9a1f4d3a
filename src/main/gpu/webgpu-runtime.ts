import * as tf from '@tensorflow/tfjs-core'
// tfjs-core registers no gradient functions by itself (proxies/runtime.ts says why they are needed).
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import '@tensorflow/tfjs-backend-webgpu'
import { EpsinasError } from '../../shared/errors.ts'
import type { TfjsRuntime } from '../core/backends/tfjs/runtime.ts'

/** The fields of tfjs-backend-webgpu's adapter description that say which device runs. */
interface AdapterInfoLike {
  vendor?: string
  architecture?: string
}

/**
 * TensorFlow.js on WebGPU inside a browser context (a Web Worker or a page): the runtime of the
 * GPU workers. Browser-only: the backend package touches navigator.gpu and OffscreenCanvas.
 * BACKEND_UNAVAILABLE, with why, when the browser offers no adapter.
 */
export async function loadWebGpuRuntime(): Promise<TfjsRuntime> {
  let ready = false
  try {
    ready = (await tf.setBackend('webgpu')) && tf.getBackend() === 'webgpu'
  } catch {
    ready = false
  }
  if (!ready) {
    throw new EpsinasError('BACKEND_UNAVAILABLE', 'tfjs-webgpu: this browser context offers no WebGPU adapter (Chromium: a GPU, or --enable-unsafe-webgpu with SwiftShader)')
  }
  checkSyncReadback()
  const info = (tf.backend() as unknown as { adapterInfo?: AdapterInfoLike }).adapterInfo
  const device = [info?.vendor, info?.architecture].filter((part) => part !== undefined && part !== '').join('/') || 'unnamed adapter'
  return { tf, backend: 'tfjs-webgpu', reason: `tfjs-webgpu on ${device}` }
}

/**
 * The engine and the proxies read results synchronously, which tfjs-backend-webgpu does by drawing
 * a WebGPU canvas into a 2D one. Where the 2D canvas cannot see the WebGPU one (headless Chromium
 * on SwiftShader without the Vulkan flags, docs/gpu.md) every read is zeros: wrong values, silently.
 * One read of known values at start-up turns that into BACKEND_UNAVAILABLE.
 */
function checkSyncReadback(): void {
  // 4,096 values: above WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD (1,000), so the add runs on the GPU.
  const count = 4096
  const values = tf.tidy(() => tf.add(tf.range(0, count), tf.scalar(1)).dataSync())
  for (let i = 0; i < count; i++) {
    if (values[i] !== i + 1) {
      throw new EpsinasError('BACKEND_UNAVAILABLE', `tfjs-webgpu: reading results back from this adapter gives wrong values (${values[i]} for ${i + 1}); headless Chromium on SwiftShader needs --enable-features=Vulkan --use-vulkan=swiftshader --use-angle=vulkan`)
    }
  }
}
