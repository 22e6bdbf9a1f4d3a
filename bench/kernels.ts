/**
 * The wasm kernels (src/main/core/backends/wasm) against the TS reference kernels, side by side in one
 * run: every measurement alternates the two (TS, wasm, wasm, TS, ...) so that load from other
 * processes on the machine falls on both alike, and the ratio TS / wasm is what we report.
 *
 *   npx tsx bench/kernels.ts [--rounds 15] [--archs 40] [--job 500] [--space nb201] [--skip-kernels]
 *
 * 1. per kernel: median time per call on the collapsed NB201 shapes (batch 256, one stored channel),
 *    NB101's 1x1 conv over several stored channels and NB-NLP's MultiLinear (--skip-kernels: none);
 * 2. whole networks: --archs seeded archs of --space, collapsed, both weights of the default pair,
 *    each arch on both kernel sets back to back; outputs must be the same bits;
 * 3. whole job: `epsinas score --limit <job>` (every core, fresh database) with EPSINAS_KERNELS=ts and
 *    =wasm, twice each in the order ts, wasm, wasm, ts; the two score files must be identical.
 *    --job 0 skips it.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import * as ts from '../src/main/core/backends/ts/kernels.ts'
import * as recurrent from '../src/main/core/backends/ts/recurrent.ts'
import type { Tensor } from '../src/main/core/backends/ts/kernels.ts'
import { runGraphTs } from '../src/main/core/backends/ts/interpreter.ts'
import { BufferPool } from '../src/main/core/backends/ts/pool.ts'
import { createWasmHeap } from '../src/main/core/backends/wasm/heap.ts'
import { wasmKernels } from '../src/main/core/backends/wasm/kernels.ts'
import { SeededRandom } from '../src/main/core/random.ts'
import { buildNetwork, prepareNetwork } from '../src/main/core/scoring/index.ts'
import { getSpace } from '../src/main/core/spaces/registry.ts'
import { loadMinibatch } from '../src/main/jobs/score-task.ts'
import type { SpaceId } from '../src/shared/types.ts'

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '15' },
    archs: { type: 'string', default: '40' },
    job: { type: 'string', default: '500' },
    space: { type: 'string', default: 'nb201' },
    'skip-kernels': { type: 'boolean', default: false },
  },
})
const rounds = Number(values.rounds)
const heap = createWasmHeap()
if (!heap) throw new Error('this Node has no WebAssembly SIMD')
const wasm = wasmKernels(heap)

console.log(`# ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, node ${process.version}, load average ${loadavg()[0].toFixed(1)} at start`)

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const ratioText = (tsMs: number, wasmMs: number): string => `${(tsMs / wasmMs).toFixed(2)}x`

/** CPU time of this process in ms (user + system): unlike wall time, it does not count the time other processes hold the core. */
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

/**
 * Times `a` and `b` alternately (a b, b a, ...), each repeated to about `blockMs` per block so that
 * both are measured over similar spans (a short block is less often pre-empted than a long one);
 * median CPU ms per call of each.
 */
function sideBySide(a: () => void, b: () => void, blockMs = 20): [number, number] {
  const repsFor = (f: () => void): number => {
    f() // warm-up: JIT, wasm tier-up, buffers
    const started = performance.now()
    let reps = 0
    while (performance.now() - started < blockMs / 4) {
      f()
      reps++
    }
    return Math.max(1, reps * 4)
  }
  const reps = [repsFor(a), repsFor(b)]
  const times: [number[], number[]] = [[], []]
  const once = (which: 0 | 1): void => {
    const f = which === 0 ? a : b
    const started = cpuMs()
    for (let r = 0; r < reps[which]; r++) f()
    times[which].push((cpuMs() - started) / reps[which])
  }
  for (let round = 0; round < rounds; round++) {
    const first = round % 2 === 0 ? 0 : 1
    once(first)
    once(first === 0 ? 1 : 0)
  }
  return [median(times[0]), median(times[1])]
}

// 1. Per kernel. Inputs: smooth values with long runs of one sign, as the collapsed network's activations
// of a grey batch are (nearly constant planes): random signs would make the TS ReLU's branch
// mispredict at every other element and flatter the branch-free wasm kernel. Plain arrays for TS,
// the heap for wasm.
const random = new SeededRandom(2026)
function planes(shape: readonly number[]): [Tensor, Tensor] {
  const length = shape.reduce((x, y) => x * y, 1)
  const data = Float32Array.from({ length }, (_, i) => Math.sin(i / 97) * (1 + random.nextUint32() / 2 ** 36))
  const offset = heap!.alloc(length * 4) as number
  const inHeap = heap!.f32(offset, length)
  inHeap.set(data)
  return [
    { shape, data },
    { shape, data: inHeap },
  ]
}
const tsPool = new BufferPool({ heap: null })
const wasmPool = new BufferPool({ heap })
const tsAlloc = (n: number): Float32Array => tsPool.take(n)
const wasmAlloc = (n: number): Float32Array => wasmPool.take(n)

if (!values['skip-kernels']) perKernel()

function perKernel(): void {
console.log('\n## per kernel, batch 256, one stored channel (median CPU ms per call; ratio = TS / wasm)')
console.log('| kernel | plane | TS ms | wasm ms | ratio |\n|---|---|---|---|---|')
const report = (name: string, plane: string, runTs: () => Tensor, runWasm: () => Tensor): void => {
  const [tsMs, wasmMs] = sideBySide(
    () => tsPool.give(runTs().data),
    () => wasmPool.give(runWasm().data),
  )
  console.log(`| ${name} | ${plane} | ${tsMs.toFixed(3)} | ${wasmMs.toFixed(3)} | ${ratioText(tsMs, wasmMs)} |`)
}
{
  // NB101: a 1x1 projection of a concatenation (several stored channels) at 32x32.
  const shape = [256, 4, 32, 32]
  const [x, xh] = planes(shape)
  const out = [256, 1, 32, 32]
  report('conv 1x1, 4 stored channels', '32x32', () => ts.conv2d(x, [32, 32, 64, 128], 0.5, out, 1, 1, 0, tsAlloc), () => wasm.conv2d(xh, [32, 32, 64, 128], 0.5, out, 1, 1, 0, wasmAlloc))
  // NB-NLP layer 0: a step's [256, 400] embedded tokens and the [256, 1] collapsed hidden state into
  // one MultiLinear; a cell has about three of them per step, all reading the same x (runs of 3 calls
  // on the same tensors: the wasm kernel sums x's rows once).
  const [e, eh] = planes([256, 400])
  const [hState, hStateHeap] = planes([256, 1])
  const ones = new Array<number>(400).fill(1)
  // Each group of three gets fresh Tensor objects (as each pass of a network does): no sums carried over between groups.
  const three = (run: (x: Tensor, hidden: Tensor) => Tensor, x: Tensor, hidden: Tensor, pool: BufferPool): (() => Tensor) => () => {
    const [xNew, hiddenNew] = [{ ...x }, { ...hidden }]
    pool.give(run(xNew, hiddenNew).data)
    pool.give(run(xNew, hiddenNew).data)
    return run(xNew, hiddenNew)
  }
  report(
    'multilinear x3, [256, 400] + [256, 1]',
    '-',
    three((x, hidden) => recurrent.multilinear([x, hidden], [ones, [600]], 0.5, 1, tsAlloc), e, hState, tsPool),
    three((x, hidden) => wasm.multilinear([x, hidden], [ones, [600]], 0.5, 1, wasmAlloc), eh, hStateHeap, wasmPool),
  )
}
for (const size of [32, 16, 8]) {
  const shape = [256, 1, size, size]
  const [x, xh] = planes(shape)
  const [y, yh] = planes(shape)
  const [z, zh] = planes(shape)
  const half = [256, 1, size / 2, size / 2]
  const cases: [string, () => Tensor, () => Tensor][] = [
    ['conv 3x3', () => ts.conv2d(x, [1], 0.5, shape, 3, 1, 1, tsAlloc), () => wasm.conv2d(xh, [1], 0.5, shape, 3, 1, 1, wasmAlloc)],
    ['conv 1x1', () => ts.conv2d(x, [1], 0.5, shape, 1, 1, 0, tsAlloc), () => wasm.conv2d(xh, [1], 0.5, shape, 1, 1, 0, wasmAlloc)],
    ['conv 3x3 stride 2', () => ts.conv2d(x, [1], 0.5, half, 3, 2, 1, tsAlloc), () => wasm.conv2d(xh, [1], 0.5, half, 3, 2, 1, wasmAlloc)],
    ['avgpool 3x3', () => ts.avgpool(x, shape, 3, 1, 1, false, tsAlloc), () => wasm.avgpool(xh, shape, 3, 1, 1, false, wasmAlloc)],
    ['avgpool 2x2 stride 2', () => ts.avgpool(x, half, 2, 2, 0, true, tsAlloc), () => wasm.avgpool(xh, half, 2, 2, 0, true, wasmAlloc)],
    ['batchnorm', () => ts.batchnorm(x, 0.5, 1e-5, tsAlloc), () => wasm.batchnorm(xh, 0.5, 1e-5, wasmAlloc)],
    ['relu', () => ts.relu(x, tsAlloc), () => wasm.relu(xh, wasmAlloc)],
    ['add of 2', () => ts.add([x, y], tsAlloc), () => wasm.add([xh, yh], wasmAlloc)],
    ['add of 3', () => ts.add([x, y, z], tsAlloc), () => wasm.add([xh, yh, zh], wasmAlloc)],
    ['global avgpool', () => ts.globalavgpool(x, tsAlloc), () => wasm.globalavgpool(xh, wasmAlloc)],
  ]
  for (const [name, runTs, runWasm] of cases) {
    const [tsMs, wasmMs] = sideBySide(
      () => tsPool.give(runTs().data),
      () => wasmPool.give(runWasm().data),
    )
    console.log(`| ${name} | ${size}x${size} | ${tsMs.toFixed(3)} | ${wasmMs.toFixed(3)} | ${ratioText(tsMs, wasmMs)} |`)
  }
}
}

// 2. Whole networks, as the product scores them (pruned form, collapsed), on the same archs.
const space = values.space as SpaceId
const definition = getSpace(space)
const dataset = definition.datasets[0]
const minibatch = await loadMinibatch({ space, dataset, input: 'grey', inputSeed: 0, batchSize: 256 })
const archs = definition.sample(Number(values.archs), 2026)
const weights = definition.defaultWeights
let tsTotal = 0
let wasmTotal = 0
let mismatches = 0
let tsCpu = 0
let wasmCpu = 0
/** [wall ms, CPU ms, output] of one forward pass. */
const timed = (run: () => Float32Array): [number, number, Float32Array] => {
  const started = performance.now()
  const cpuStarted = cpuMs()
  const out = run()
  return [performance.now() - started, cpuMs() - cpuStarted, out]
}
archs.forEach((arch, index) => {
  const prepared = prepareNetwork(buildNetwork(arch, { space, dataset, batchSize: 256 }, 'pruned'), minibatch, 'collapsed')
  for (const weight of weights) {
    const runTs = (): Float32Array => runGraphTs(prepared.graph, prepared.input, weight, tsPool)
    const runWasm = (): Float32Array => runGraphTs(prepared.graph, prepared.input, weight, wasmPool)
    // Alternate which goes first, arch by arch.
    let tsRun: [number, number, Float32Array]
    let wasmRun: [number, number, Float32Array]
    if (index % 2 === 0) {
      tsRun = timed(runTs)
      wasmRun = timed(runWasm)
    } else {
      wasmRun = timed(runWasm)
      tsRun = timed(runTs)
    }
    const [[tsMs, tsCpuMs, a], [wasmMs, wasmCpuMs, b]] = [tsRun, wasmRun]
    if (index > 0) {
      tsTotal += tsMs
      wasmTotal += wasmMs
      tsCpu += tsCpuMs
      wasmCpu += wasmCpuMs
    }
    const bitsA = new Uint32Array(a.buffer, a.byteOffset, a.length)
    const bitsB = new Uint32Array(b.buffer, b.byteOffset, b.length)
    if (bitsA.some((bits, i) => bits !== bitsB[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i])))) mismatches++
  }
})
const measured = archs.length - 1
console.log(`\n## whole networks: ${measured} ${space} archs (after one warm-up), collapsed, batch 256, grey, weights ${weights.join(',')}, one thread`)
console.log(`wall: TS ${(tsTotal / measured).toFixed(1)} ms/arch, wasm ${(wasmTotal / measured).toFixed(1)} ms/arch, ratio ${ratioText(tsTotal, wasmTotal)}`)
console.log(`CPU:  TS ${(tsCpu / measured).toFixed(1)} ms/arch, wasm ${(wasmCpu / measured).toFixed(1)} ms/arch, ratio ${ratioText(tsCpu, wasmCpu)}; outputs with other bits: ${mismatches}`)

// 3. The whole job, as a user runs it.
const jobSize = Number(values.job)
if (jobSize > 0) {
  const dir = mkdtempSync(join(tmpdir(), 'epsinas-bench-kernels-'))
  try {
    const wall: Record<'ts' | 'wasm', number[]> = { ts: [], wasm: [] }
    const cpu: Record<'ts' | 'wasm', number[]> = { ts: [], wasm: [] }
    const files: Record<'ts' | 'wasm', string> = { ts: '', wasm: '' }
    ;(['ts', 'wasm', 'wasm', 'ts'] as const).forEach((kernels, run) => {
      const out = join(dir, `${kernels}-${run}.json`)
      const started = performance.now()
      const childCpuStarted = childrenCpuSeconds()
      execFileSync(process.execPath, ['bin/epsinas.mjs', 'score', '--space', space, '--limit', String(jobSize), '--seed', '0', '--no-progress', '--db', join(dir, `${kernels}-${run}.db`), '--out', out], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, EPSINAS_KERNELS: kernels },
      })
      wall[kernels].push((performance.now() - started) / 1000)
      cpu[kernels].push(childrenCpuSeconds() - childCpuStarted)
      files[kernels] = scoresWithoutTimes(readFileSync(out, 'utf8'))
    })
    const mean = (xs: number[]): number => xs.reduce((x, y) => x + y, 0) / xs.length
    console.log(`\n## whole job: epsinas score --space ${space} --limit ${jobSize} (${cpus().length} workers, fresh database), order ts, wasm, wasm, ts`)
    console.log(`wall: TS ${wall.ts.map((s) => s.toFixed(1)).join(' / ')} s, wasm ${wall.wasm.map((s) => s.toFixed(1)).join(' / ')} s; ratio of means ${ratioText(mean(wall.ts), mean(wall.wasm))}`)
    console.log(`CPU (user + system, all threads): TS ${cpu.ts.map((s) => s.toFixed(1)).join(' / ')} s, wasm ${cpu.wasm.map((s) => s.toFixed(1)).join(' / ')} s; ratio of means ${ratioText(mean(cpu.ts), mean(cpu.wasm))}; scores identical: ${files.ts === files.wasm}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
console.log(`\nload average ${loadavg()[0].toFixed(1)} at the end`)

/** The scores of a `score --out FILE.json` (arch, epsilon, rank, NaN reason, ...) without each arch's time. */
function scoresWithoutTimes(json: string): string {
  const { scores } = JSON.parse(json) as { scores: Record<string, unknown>[] }
  return JSON.stringify(scores.map(({ ms: _ms, ...rest }) => rest))
}

/** CPU seconds (user + system) of this process's finished children, from /proc (Linux). */
function childrenCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')
  // After "pid (comm) ", field 3 is the state: cutime and cstime are fields 16 and 17, in clock ticks (100 per second).
  return (Number(fields[16 - 3]) + Number(fields[17 - 3])) / 100
}
