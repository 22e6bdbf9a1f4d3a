import { createRequire } from 'node:module'
import { dirname, sep } from 'node:path'
import { EpsinasError } from '../../../../shared/errors.ts'
import type { DataId, TensorInfo } from '@tensorflow/tfjs-core'
import { TFJS_BACKEND_NAMES, type TfjsBackendId, type TfjsRequest, type TfjsRuntime } from './runtime.ts'

/**
 * The environment adapter of the tfjs engine: finds, loads and initialises a TensorFlow.js backend.
 * It is the only file of the engine that touches node:*; the executor works on whatever it returns.
 */

type Tf = TfjsRuntime['tf']

/** Outcome of one attempt to bring up one backend. */
type Attempt = { ok: true; tf: Tf } | { ok: false; why: string }

/** Order `auto` tries, fastest first. */
const AUTO_ORDER: readonly TfjsBackendId[] = ['tfjs-node-gpu', 'tfjs-node', 'tfjs-wasm', 'tfjs-cpu']

const NODE_PACKAGES = { 'tfjs-node-gpu': '@tensorflow/tfjs-node-gpu', 'tfjs-node': '@tensorflow/tfjs-node' } as const

// One attempt per backend and one runtime per request for the life of the process: initialising a
// backend twice is at best slow (wasm compiles its module) and at worst refused by tfjs.
const attempts = new Map<TfjsBackendId, Promise<Attempt>>()
const runtimes = new Map<TfjsRequest, Promise<TfjsRuntime>>()

/**
 * Loads TensorFlow.js on the requested backend; `auto` takes the first of tfjs-node-gpu, tfjs-node,
 * tfjs-wasm, tfjs-cpu that loads. Throws BACKEND_UNAVAILABLE when an explicitly requested backend
 * (or, for `auto`, every backend) cannot load. Memoised per request.
 */
export function loadTfjs(requested: TfjsRequest): Promise<TfjsRuntime> {
  let runtime = runtimes.get(requested)
  if (!runtime) {
    runtime = requested === 'auto' ? loadAuto() : loadExplicit(requested)
    runtimes.set(requested, runtime)
  }
  return runtime
}

async function loadExplicit(backend: TfjsBackendId): Promise<TfjsRuntime> {
  const attempt = await attemptBackend(backend)
  if (!attempt.ok) throw new EpsinasError('BACKEND_UNAVAILABLE', `TensorFlow.js backend ${backend} is unavailable: ${attempt.why}`)
  return { tf: attempt.tf, backend, reason: `${backend} (requested)` }
}

async function loadAuto(): Promise<TfjsRuntime> {
  const skipped: string[] = []
  for (const backend of AUTO_ORDER) {
    const attempt = await attemptBackend(backend)
    if (attempt.ok) {
      const reason = skipped.length === 0 ? `${backend} (fastest available)` : `${backend} (${skipped.join('; ')})`
      return { tf: attempt.tf, backend, reason }
    }
    skipped.push(`${backend} ${attempt.why}`)
  }
  throw new EpsinasError('BACKEND_UNAVAILABLE', `no TensorFlow.js backend could be loaded (${skipped.join('; ')})`)
}

function attemptBackend(backend: TfjsBackendId): Promise<Attempt> {
  let attempt = attempts.get(backend)
  if (!attempt) {
    attempt = bringUp(backend).catch((error: unknown): Attempt => ({ ok: false, why: `failed to load: ${firstLine(error)}` }))
    attempts.set(backend, attempt)
  }
  return attempt
}

async function bringUp(backend: TfjsBackendId): Promise<Attempt> {
  const tf = await import('@tensorflow/tfjs-core')
  switch (backend) {
    case 'tfjs-node-gpu':
    case 'tfjs-node':
      return bringUpNode(tf, backend)
    case 'tfjs-wasm':
      return bringUpWasm(tf)
    case 'tfjs-cpu':
      await import('@tensorflow/tfjs-backend-cpu')
      if (!(await activate(tf, 'cpu'))) return { ok: false, why: 'failed to initialise' }
      silenceCpuAdvice(tf)
      return { ok: true, tf }
    case 'tfjs-webgpu':
      // The engine reads results synchronously, which tfjs-backend-webgpu does only through a
      // browser's OffscreenCanvas: it runs in the desktop app's GPU workers (src/main/gpu/).
      return { ok: false, why: 'runs in a browser context only (the desktop app\'s GPU workers; see epsinas doctor)' }
  }
}

async function bringUpNode(tf: Tf, backend: 'tfjs-node-gpu' | 'tfjs-node'): Promise<Attempt> {
  // Both packages register the same 'tensorflow' backend over different native libraries.
  const other = backend === 'tfjs-node' ? 'tfjs-node-gpu' : 'tfjs-node'
  const otherAttempt = attempts.get(other)
  if (otherAttempt && (await otherAttempt).ok) return { ok: false, why: `cannot load beside ${other}, which this process already uses` }
  const pkg = NODE_PACKAGES[backend]
  try {
    // require with a variable: the package is optional, so neither tsc nor the bundler may resolve it
    // at build time; it is CommonJS, and require reports its absence the same way under Node, vitest
    // and the bundled main process.
    createRequire(import.meta.url)(pkg)
  } catch (error) {
    return { ok: false, why: isMissing(error, pkg) ? 'not installed' : `failed to load: ${firstLine(error)}` }
  }
  // The package registers its backend against the process-wide tfjs engine, which our tfjs-core shares.
  if (!(await activate(tf, TFJS_BACKEND_NAMES[backend]))) return { ok: false, why: 'installed but its native backend failed to initialise' }
  return { ok: true, tf }
}

async function bringUpWasm(tf: Tf): Promise<Attempt> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm')
  // The .wasm binaries sit beside the package's node entry point (dist/); resolving it from
  // node_modules works from sources, tests and the bundled main process alike.
  const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')
  wasm.setWasmPaths(dirname(entry) + sep)
  shareIdentityData(tf)
  if (await activate(tf, 'wasm')) return { ok: true, tf }
  // The threaded binary needs SharedArrayBuffer workers; fall back to the single-threaded one.
  if (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false)
    if (await activate(tf, 'wasm')) return { ok: true, tf }
  }
  return { ok: false, why: 'failed to initialise its WebAssembly module' }
}

/**
 * tfjs-wasm's Identity kernel copies its input, and a gradient tape saves every tensor a gradient
 * reads through Identity (engine.clone): a backward pass held its activations two or three times
 * over, past the 4 GiB wasm heap on full NB201 networks (grasp at batch 32). Tensors are immutable,
 * so the copy shares the data instead, reference-counted, as tfjs-cpu's Identity does; string
 * tensors keep the original kernel.
 */
function shareIdentityData(tf: Tf): void {
  const original = tf.getKernel('Identity', 'wasm')
  if (!original) return
  tf.unregisterKernel('Identity', 'wasm')
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const x = args.inputs.x as TensorInfo | undefined
      if (!x || x.dtype === 'string') return original.kernelFunc(args)
      ;(args.backend as unknown as { incRef(dataId: DataId): void }).incRef(x.dataId)
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype }
    },
  })
}

/** setBackend, with a throw folded into "did not initialise". */
async function activate(tf: Tf, name: string): Promise<boolean> {
  try {
    return (await tf.setBackend(name)) && tf.getBackend() === name
  } catch {
    return false
  }
}

/**
 * The cpu backend prints "install our node backend" advice on first use; the runtime's `reason`
 * already says which backend runs and why, so the banner is only noise in CLI output.
 */
function silenceCpuAdvice(tf: Tf): void {
  // `firstUse` is an internal field of MathBackendCPU (tfjs-backend-cpu 4.x); setting it early only
  // skips the banner.
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null
  if (cpu && 'firstUse' in cpu) cpu.firstUse = false
}

function isMissing(error: unknown, pkg: string): boolean {
  const code = (error as { code?: unknown } | null)?.code
  const notFound = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND'
  // A missing dependency *of* an installed package is a load failure, not "not installed".
  return notFound && firstLine(error).includes(`'${pkg}'`)
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.split('\n')[0]
}
