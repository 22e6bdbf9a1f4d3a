import { createRequire } from 'node:module'
import { loadTfjs, type TfjsBackendId } from '../core/backends/tfjs/index.ts'
import { collapsedKernelsDescription } from '../core/backends/wasm/heap.ts'
import type { BackendDiagnosis } from '../../shared/api.ts'

/**
 * `epsinas doctor`, the Settings page and app:info: every backend the workbench knows, whether it
 * runs here, and why (not). One list, so the CLI and the app say the same thing.
 */

/** The engine's TensorFlow.js backends in `--backend auto`'s order (load.ts), each tried here. */
const TFJS_BACKENDS: readonly TfjsBackendId[] = ['tfjs-node-gpu', 'tfjs-node', 'tfjs-wasm', 'tfjs-cpu']

/** Whether a package resolves from here (optional packages may be absent). */
export function installed(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(pkg)
    return true
  } catch {
    return false
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]
}

/** Every backend with its state; tries to load each TensorFlow.js backend once per process (loadTfjs memoises). */
export async function diagnoseBackends(): Promise<BackendDiagnosis[]> {
  const auto = await loadTfjs('auto').then(
    (runtime) => runtime,
    () => null,
  )
  const diagnoses: BackendDiagnosis[] = [{ id: 'collapsed/ts', role: 'collapsed engine (the default)', available: true, used: true, reason: collapsedKernelsDescription() }]
  for (const backend of TFJS_BACKENDS) {
    const used = auto?.backend === backend
    // auto stops at the first backend that loads: those after it are tried only for this report.
    const state = await loadTfjs(backend).then(
      () => ({ available: true, reason: used ? `loads; --backend auto picks it, the first of ${TFJS_BACKENDS.join(' > ')} that loads` : 'loads; --backend auto picks a faster one' }),
      (error: unknown) => ({ available: false, reason: firstLine(error).replace(/^TensorFlow\.js backend \S+ is unavailable: /, '').trim() }),
    )
    diagnoses.push({ id: backend, role: 'full-width engine and proxies (--backend)', used, ...state })
  }
  diagnoses.push(webGpuWorkers(), await dawnForNode(), await onnxRuntime())
  return diagnoses
}

/** tfjs on WebGPU in the desktop app's hidden GPU windows (src/main/gpu/). */
function webGpuWorkers(): BackendDiagnosis {
  const role = 'desktop app GPU workers (hidden Chromium windows)'
  if (!installed('@tensorflow/tfjs-backend-webgpu')) return { id: 'tfjs-webgpu', role, available: false, used: false, reason: '@tensorflow/tfjs-backend-webgpu is not installed (an optional dependency)' }
  return {
    id: 'tfjs-webgpu',
    role,
    available: false,
    used: false,
    reason: "installed; runs in the desktop app's Chromium (its WebGPU adapter decides), not in this Node process: tfjs-webgpu reads results back through a browser's OffscreenCanvas",
  }
}

/** The `webgpu` package (Dawn for Node), evaluated for a headless GPU path: asks it for an adapter. */
async function dawnForNode(): Promise<BackendDiagnosis> {
  const base = { id: 'webgpu (Dawn for Node)', role: 'evaluated for the headless CLI (docs/gpu.md)', used: false }
  if (!installed('webgpu')) return { ...base, available: false, reason: 'not installed (npm install webgpu to probe it); not used by the engine either way: tfjs-webgpu cannot read results synchronously outside a browser' }
  try {
    // A variable specifier: an optional package neither tsc nor the bundler may resolve at build time.
    const specifier = 'webgpu'
    const dawn = (await import(specifier)) as { create(flags: string[]): { requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; description?: string } } | null> } }
    const adapter = await dawn.create([]).requestAdapter()
    if (!adapter) return { ...base, available: false, reason: 'installed, but Dawn finds no usable adapter (no GPU driver; lavapipe from mesa-vulkan-drivers 22.3 lacks a feature Dawn requires)' }
    const name = [adapter.info?.vendor, adapter.info?.architecture, adapter.info?.description].filter(Boolean).join(' ') || 'unnamed'
    return { ...base, available: true, reason: `adapter ${name}; not used: tfjs-webgpu cannot read results synchronously outside a browser` }
  } catch (error) {
    return { ...base, available: false, reason: `installed, failed to load: ${firstLine(error)}` }
  }
}

/** onnxruntime-node, evaluated: it runs ONNX graphs, and the engine runs the IR on TensorFlow.js. */
async function onnxRuntime(): Promise<BackendDiagnosis> {
  const base = { id: 'onnxruntime-node', role: 'evaluated for the headless CLI (docs/gpu.md)', used: false }
  if (!installed('onnxruntime-node')) return { ...base, available: false, reason: "not installed; its install script downloads the CUDA provider from api.nuget.org (npm install --ignore-scripts keeps CPU and WebGPU); not used: the engine's networks are IR graphs, not ONNX files" }
  try {
    const specifier = 'onnxruntime-node'
    const ort = (await import(specifier)) as { listSupportedBackends?: () => { name: string; bundled: boolean }[] }
    const providers = ort.listSupportedBackends?.().filter((b) => b.bundled).map((b) => b.name) ?? []
    return { ...base, available: true, reason: `loads (providers ${providers.join(', ') || 'unknown'}); not used: the engine's networks are IR graphs, not ONNX files` }
  } catch (error) {
    return { ...base, available: false, reason: `installed, failed to load: ${firstLine(error)}` }
  }
}
