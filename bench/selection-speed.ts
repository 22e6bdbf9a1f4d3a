/**
 * Speed of the statistics behind weight selection and Compare, on a synthetic sweep the size of
 * NAS-Bench-Suite-Zero's NB201 sample (725 archs, exponents -7..0: 28 pairs), measured side by side:
 * - bootstrap 95% intervals of Spearman and Kendall (1,000 resamples) with the counted draws the
 *   product uses vs materialising each resample and calling spearman/kendallTauB;
 * - each strategy's choice, and its bootstrap stability (200 resamples, as the Weights page asks).
 *
 *   npx tsx bench/selection-speed.ts [--archs 725] [--resamples 1000] [--stability 200]
 */
import { cpus } from 'node:os'
import { parseArgs } from 'node:util'
import { SeededRandom } from '../src/main/core/random.ts'
import { bootstrapCorrelationIntervals, kendallTauB, spearman } from '../src/main/core/stats/index.ts'
import { exponentGrid, gridPairs } from '../src/main/core/weights/grid.ts'
import { bootstrapStability, type SweepTable } from '../src/main/core/weights/selection.ts'
import { STRATEGIES } from '../src/main/core/weights/strategies/index.ts'

const { values } = parseArgs({ options: { archs: { type: 'string', default: '725' }, resamples: { type: 'string', default: '1000' }, stability: { type: 'string', default: '200' } } })
const archCount = Number(values.archs)
const resamples = Number(values.resamples)
const stabilityResamples = Number(values.stability)

// A latent quality per arch; pairs with a small low weight rank by it (and lose 40% of the archs to
// NaN, as NB201 at 1e-7), the others rank by noise with almost no NaN: the shape of the real sweep.
const random = new SeededRandom(7)
const quality = Array.from({ length: archCount }, () => random.nextNormal())
const structuralNaN = quality.map(() => random.nextInt(10) < 4)
const pairs = gridPairs(exponentGrid(-7, 0)).map((pair) => ({
  pair,
  epsilon: quality.map((q, i) => {
    if (pair.low <= -4) return structuralNaN[i] ? null : q + 0.3 * random.nextNormal()
    return random.nextInt(100) === 0 ? null : random.nextNormal()
  }),
}))
const table: SweepTable = { archs: quality.map((_, i) => `a${i}`), pairs, accuracies: quality.map((q) => q + 0.5 * random.nextNormal()) }
// Parameter counts that follow the latent quality loosely (the agreement strategy's signal), drawn
// from a generator of their own so the sweep above stays the one earlier measurements used.
const countsRandom = new SeededRandom(8)
table.parameters = quality.map((q) => Math.round(1e6 * Math.exp(0.5 * q + 0.5 * countsRandom.nextNormal())))

const time = <T>(body: () => T): { ms: number; value: T } => {
  const started = performance.now()
  const value = body()
  return { ms: performance.now() - started, value }
}

console.log(`# ${archCount} archs x ${pairs.length} pairs; ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, node ${process.version}`)
const x = Float64Array.from(quality)
const y = Float64Array.from(table.accuracies as number[])
bootstrapCorrelationIntervals(x, y, { resamples: 10 }) // warm-up
const counted = time(() => bootstrapCorrelationIntervals(x, y, { resamples }))
const naive = time(() => {
  const draw = new SeededRandom(0)
  const rho: number[] = []
  const tau: number[] = []
  for (let r = 0; r < resamples; r++) {
    const idx = Array.from({ length: archCount }, () => draw.nextInt(archCount))
    const a = idx.map((i) => x[i])
    const b = idx.map((i) => y[i])
    rho.push(spearman(a, b))
    tau.push(kendallTauB(a, b))
  }
  return rho.length + tau.length
})
console.log(`bootstrap intervals, ${resamples} resamples: counted draws ${counted.ms.toFixed(0)} ms, materialised resamples ${naive.ms.toFixed(0)} ms, ratio ${(naive.ms / counted.ms).toFixed(1)}x`)

for (const strategy of STRATEGIES.filter((s) => s.id !== 'reference')) {
  const options = { nanThreshold: 0.1 }
  const choice = time(() => strategy.select(table, options))
  const chosen = choice.value.chosen?.pair ?? null
  const stability = time(() => bootstrapStability(archCount, (indices) => strategy.select(table, { ...options, indices }).chosen?.pair ?? null, chosen, stabilityResamples))
  const pair = chosen ? `[1e${chosen.low}, 1e${chosen.high}]` : 'none'
  console.log(`${strategy.id}: choice ${pair} in ${choice.ms.toFixed(0)} ms; stability over ${stabilityResamples} resamples ${stability.ms.toFixed(0)} ms (same choice ${(100 * stability.value.sameChoice).toFixed(1)}%)`)
}
