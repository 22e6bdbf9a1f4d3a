/**
 * Spaces the paper never saw: import time of two generated ONNX families (MobileNetV2-style and
 * DARTS-style, written as torch.onnx.export writes them) and collapsed vs full-width scoring of
 * them and of the NATS-Bench size space, measured side by side in one run (each arch is timed on
 * both engines back to back; the ratio is what we report).
 *
 *   npx tsx bench/new-spaces-throughput.ts [--models 30] [--full 3] [--batch 256] [--widen 8] [--backend tfjs-wasm]
 *
 * --models files per family are imported (timed) and scored on the collapsed engine; the first
 * --full of them (and --full natssss archs) also at full width on TensorFlow.js.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { familyModels, type OnnxFamily } from '../src/main/onnx/families/index.ts'
import { importUserSpace } from '../src/main/user-spaces/index.ts'
import { getSpace } from '../src/main/core/spaces/registry.ts'
import { engineTimer } from './engine-timer.ts'

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: '30' },
    full: { type: 'string', default: '3' },
    batch: { type: 'string', default: '256' },
    widen: { type: 'string', default: '8' },
    backend: { type: 'string', default: 'tfjs-wasm' },
  },
})
const modelCount = Number(values.models)
const fullCount = Number(values.full)
const batchSize = Number(values.batch)
const widen = Number(values.widen)
const FAMILIES: readonly OnnxFamily[] = ['mobilenet', 'darts']
const SEED = 2026

const work = mkdtempSync(join(tmpdir(), 'epsinas-bench-spaces-'))
console.log(`# grey input, batch ${batchSize}, one thread; ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, node ${process.version}`)
try {
  const spaces: Array<{ label: string; space: string; archs: string[] }> = []
  for (const family of FAMILIES) {
    const folder = join(work, family)
    mkdirSync(folder)
    familyModels(family, modelCount, SEED, { imageSize: 32, widen }).forEach((bytes, i) => writeFileSync(join(folder, `${family}-${String(i).padStart(3, '0')}.onnx`), bytes))
    const started = performance.now()
    const manifest = importUserSpace({ name: `bench-${family}`, path: folder, dataDir: join(work, 'home') })
    const ms = performance.now() - started
    const megabytes = manifest.archs.reduce((sum, arch) => sum + arch.bytes, 0) / 2 ** 20
    console.log(`import ${family}: ${manifest.archs.length} files (${megabytes.toFixed(2)} MiB) in ${ms.toFixed(0)} ms (${(ms / manifest.archs.length).toFixed(1)} ms/file), input ${manifest.inputShape.join('x')}`)
    spaces.push({ label: `${family} (ONNX, widen ${widen})`, space: manifest.name, archs: manifest.archs.map((arch) => arch.id) })
  }
  spaces.push({ label: 'natssss', space: 'natssss', archs: getSpace('natssss').sample(modelCount, SEED) })

  for (const { label, space, archs } of spaces) {
    const weights = getSpace(space).defaultWeights
    const { timeScore, backend } = await engineTimer(space, batchSize, weights, values.backend as string)
    timeScore(archs[0], 'collapsed') // warm-up: JIT and buffer pool
    timeScore(archs[0], 'full') // warm-up: wasm compile and kernels
    let collapsedAll = 0
    let collapsedSame = 0
    let fullSame = 0
    let worst = 0
    let nanMismatch = 0
    archs.forEach((arch, i) => {
      const c = timeScore(arch, 'collapsed')
      collapsedAll += c.ms
      if (i >= fullCount) return
      const f = timeScore(arch, 'full')
      collapsedSame += c.ms
      fullSame += f.ms
      if (Number.isNaN(c.epsilon) !== Number.isNaN(f.epsilon)) nanMismatch++
      else if (!Number.isNaN(c.epsilon)) worst = Math.max(worst, Math.abs(c.epsilon - f.epsilon) / Math.abs(f.epsilon))
    })
    const n = Math.min(fullCount, archs.length)
    console.log(
      `${label}, weights ${weights.join(',')}: collapsed ${(collapsedAll / archs.length).toFixed(0)} ms/arch (${((1000 * archs.length) / collapsedAll).toFixed(2)} archs/s, ${archs.length} archs); ` +
        `same ${n} archs: collapsed ${(collapsedSame / n).toFixed(0)} ms/arch, full on ${backend} ${(fullSame / n).toFixed(0)} ms/arch, ratio ${(fullSame / collapsedSame).toFixed(1)}x; ` +
        `NaN mismatches ${nanMismatch}, worst relative difference ${worst.toExponential(1)}`,
    )
  }
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
