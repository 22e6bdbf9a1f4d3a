/**
 * Writes the desktop app's GPU worker window (page, preload, bundled tfjs-on-WebGPU worker) into
 * out/gpu/, beside electron-vite's out/main: `npx tsx scripts/build-gpu-worker.ts`.
 */
import { mkdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import { writeGpuWorkerAssets } from '../src/main/gpu/bundle.ts'

const folder = resolve(import.meta.dirname, '../out/gpu')
await mkdir(folder, { recursive: true })
await writeGpuWorkerAssets(folder)
console.log(`GPU worker window written to ${folder}`)
