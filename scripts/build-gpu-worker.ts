/**
 * Writes the desktop app's GPU worker window (page, preload, bundled tfjs-on-WebGPU worker) into
 * out/gpu/, beside electron-vite's out/main: `npx tsx scripts/build-gpu-worker.ts`.
 */
import { mkdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import { writeGpuWorkerAssets } from '../src/main/gpu/bundle.ts'
import { installed } from '../src/main/gpu/diagnose.ts'

const folder = resolve(import.meta.dirname, '../out/gpu')
// The WebGPU backend is an optional dependency: without it the app builds with no GPU workers
// (the Runs page then offers no GPU choice), not a failed build.
if (!installed('@tensorflow/tfjs-backend-webgpu')) {
  console.log('note: @tensorflow/tfjs-backend-webgpu is not installed: no GPU worker window built (the app runs without GPU jobs)')
} else {
  await mkdir(folder, { recursive: true })
  await writeGpuWorkerAssets(folder)
  console.log(`GPU worker window written to ${folder}`)
}
