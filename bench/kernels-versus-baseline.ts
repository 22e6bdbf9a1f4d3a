/**
 * The wasm kernels of this checkout against those of another (a baseline commit), side by side in one
 * process: each op alternates the two trees (baseline, candidate, candidate, baseline, ...), the fastest
 * round's CPU ms per call on NB201's collapsed shapes (batch 256, one stored channel), and the outputs must have
 * the same bits. "conv 3x3 + BN" is the pair as the interpreter runs it: the conv, then BatchNorm of
 * the tensor it returned (where the candidate may have summed it already).
 *
 *   mkdir /tmp/base && git archive <commit> | tar -x -C /tmp/base && ln -s "$PWD/node_modules" /tmp/base/node_modules
 *   npx tsx bench/kernels-versus-baseline.ts --baseline /tmp/base [--rounds 21]
 */
import { loadavg } from 'node:os'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { Tensor } from '../src/main/core/backends/ts/kernels.ts'
import type { KernelSet } from '../src/main/core/backends/wasm/kernels.ts'
import type { WasmHeap } from '../src/main/core/backends/wasm/heap.ts'

const { values } = parseArgs({ options: { baseline: { type: 'string' }, candidate: { type: 'string', default: '.' }, rounds: { type: 'string', default: '21' } } })
if (!values.baseline) throw new Error('--baseline DIR: a checkout of the commit to compare with')

interface Tree {
  heap: WasmHeap
  kernels: KernelSet
  /** The tree's own BufferPool on its heap, as the interpreter takes and gives buffers. */
  pool: { take(n: number): Float32Array; give(buffer: Float32Array | Float64Array): void }
}
async function loadTree(dir: string): Promise<Tree> {
  const root = resolve(dir)
  const { createWasmHeap } = await import(`${root}/src/main/core/backends/wasm/heap.ts`)
  const { wasmKernels } = await import(`${root}/src/main/core/backends/wasm/kernels.ts`)
  const { BufferPool } = await import(`${root}/src/main/core/backends/ts/pool.ts`)
  const heap = createWasmHeap() as WasmHeap | null
  if (!heap) throw new Error('this Node has no WebAssembly SIMD')
  return { heap, kernels: wasmKernels(heap) as KernelSet, pool: new BufferPool({ heap }) }
}
const trees = [await loadTree(values.baseline), await loadTree(values.candidate)]
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}
// The fastest round: load from other processes adds time to a round, never takes any away.
const fastest = (xs: number[]): number => Math.min(...xs)

/** Smooth activations with long runs of one sign, as a grey batch's are, at [n, 1, size, size], in each tree's heap. */
function planeIn(tree: Tree, size: number, seed: number): Tensor {
  const shape = [256, 1, size, size]
  const length = 256 * size * size
  const offset = tree.heap.alloc(length * 4) as number
  const data = tree.heap.f32(offset, length)
  for (let i = 0; i < length; i++) data[i] = Math.fround(Math.sin((i + seed) / 97) * (1 + ((i * 2654435761) % 1024) / 2 ** 20))
  return { shape, data }
}
const sameBits = (a: Float32Array, b: Float32Array): boolean => {
  const [x, y] = [new Uint32Array(a.buffer, a.byteOffset, a.length), new Uint32Array(b.buffer, b.byteOffset, b.length)]
  return x.every((bits, i) => bits === y[i] || (Number.isNaN(a[i]) && Number.isNaN(b[i])))
}

type Op = (k: KernelSet, x: Tensor, alloc: (n: number) => Float32Array) => Tensor
const w = Math.fround(1)
const ops: [string, number, Op][] = [
  ['conv 3x3 + BN', 32, (k, x, a) => k.batchnorm(k.conv2d(x, [16], w, [256, 1, 32, 32], 3, 1, 1, a), w, 1e-5, a)],
  ['conv 1x1 + BN', 32, (k, x, a) => k.batchnorm(k.conv2d(x, [16], w, [256, 1, 32, 32], 1, 1, 0, a), w, 1e-5, a)],
  ['conv 3x3 stride 2 + BN', 32, (k, x, a) => k.batchnorm(k.conv2d(x, [16], w, [256, 1, 16, 16], 3, 2, 1, a), w, 1e-5, a)],
  ['conv 3x3', 32, (k, x, a) => k.conv2d(x, [16], w, [256, 1, 32, 32], 3, 1, 1, a)],
  ['BN alone', 32, (k, x, a) => k.batchnorm(x, w, 1e-5, a)],
  ['avgpool 3x3', 32, (k, x, a) => k.avgpool(x, [256, 1, 32, 32], 3, 1, 1, false, a)],
  ['avgpool 2x2 stride 2', 32, (k, x, a) => k.avgpool(x, [256, 1, 16, 16], 2, 2, 0, true, a)],
  ['conv 3x3 + BN, 8x8', 8, (k, x, a) => k.batchnorm(k.conv2d(x, [64], w, [256, 1, 8, 8], 3, 1, 1, a), w, 1e-5, a)],
]
console.log(`# load average ${loadavg()[0].toFixed(1)} at start; fastest of the rounds' CPU ms per call, ${values.rounds} rounds`)
console.log('| op | baseline | candidate | ratio |\n|---|---|---|---|')
for (const [name, size, op] of ops) {
  const inputs = trees.map((tree) => planeIn(tree, size, 3))
  // Every buffer goes back to the tree's pool after each call, as the interpreter gives them back.
  const run = (t: number): Tensor => {
    const taken: Float32Array[] = []
    const alloc = (n: number): Float32Array => {
      const buffer = trees[t].pool.take(n)
      taken.push(buffer)
      return buffer
    }
    const out = op(trees[t].kernels, inputs[t], alloc)
    const copy = { shape: out.shape, data: Float32Array.from(out.data) }
    for (const buffer of taken) trees[t].pool.give(buffer)
    return copy
  }
  const [a, b] = [run(0), run(1)]
  if (!sameBits(a.data as Float32Array, b.data as Float32Array)) throw new Error(`${name}: the two trees' outputs differ`)
  const times: [number[], number[]] = [[], []]
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const t of round % 2 === 0 ? [0, 1] : [1, 0]) {
      const started = cpuMs()
      for (let r = 0; r < 5; r++) run(t)
      times[t].push((cpuMs() - started) / 5)
    }
  }
  const [base, cand] = times.map(fastest)
  console.log(`| ${name} | ${base.toFixed(3)} | ${cand.toFixed(3)} | ${(base / cand).toFixed(2)}x |`)
}
