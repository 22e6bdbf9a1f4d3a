import { describe, expect, test } from 'vitest'
import { epsilonFromOutputs, minMaxNormalise } from '../../../src/main/core/epsilon/index.ts'
import { SeededRandom } from '../../../src/main/core/random.ts'

const f = Math.fround
const NaN32 = Number.NaN

function f32(values: number[]): Float32Array {
  return new Float32Array(values)
}

/**
 * The same algorithm as metric.md section 2 but in float64 and with an option to skip the
 * "exact zero -> NaN" quirk: used only to show that the quirk and the float32 arithmetic both
 * change the answer.
 */
function epsilonFloat64(o1: ArrayLike<number>, o2: ArrayLike<number>, quirk = true): number {
  const rows = [o1, o2].map((v) => {
    const finite = Array.from(v).filter((x) => !Number.isNaN(x))
    const min = Math.min(...finite)
    const max = Math.max(...finite)
    return Array.from(v, (x) => (x - min) / (max - min)).map((x) => (quirk && x === 0 ? Number.NaN : x))
  })
  const nanmean = (xs: number[]): number => {
    const kept = xs.filter((x) => !Number.isNaN(x))
    return kept.reduce((s, x) => s + x, 0) / kept.length
  }
  const delta = nanmean(rows[0].map((x, j) => Math.abs(x - rows[1][j])))
  const mu = nanmean([...rows[0], ...rows[1]])
  return delta / mu
}

describe('epsilonFromOutputs: hand-worked example (metric.md section 2)', () => {
  // output1 = [0, 1, 2, 4]: min 0, max 4, range 4 -> v1' = [0, 0.25, 0.5, 1]
  // output2 = [8, 0, 2, 4]: min 0, max 8, range 8 -> v2' = [1, 0, 0.25, 0.5]
  // Step 3 (quirk): exact zeros become NaN, i.e. each row's minimum is dropped:
  //   P = [[NaN, 0.25, 0.5, 1  ],
  //        [1,   NaN,  0.25, 0.5]]
  // |P0 - P1| = [NaN, NaN, 0.25, 0.5]           -> delta = 0.75 / 2 = 0.375
  // non-NaN entries of P: 0.25 0.5 1 1 0.25 0.5 -> sum 3.5, count 6, mu = f32(3.5 / 6) = f32(0.58333...)
  // epsilon = f32(0.375 / mu) = f32(0.642857...) ; numpy reference gives np.float32(0.6428572)
  //
  // Without the quirk: |P0 - P1| = [1, 0.25, 0.25, 0.5] -> delta = 2 / 4 = 0.5,
  //   mu = 3.5 / 8 = 0.4375, epsilon = 0.5 / 0.4375 = 1.142857... (numpy: np.float32(1.1428572)).
  const output1 = f32([0, 1, 2, 4])
  const output2 = f32([8, 0, 2, 4])

  test('normalises each output by its own min and max', () => {
    expect(Array.from(minMaxNormalise(output1))).toEqual([0, 0.25, 0.5, 1])
    expect(Array.from(minMaxNormalise(output2))).toEqual([1, 0, 0.25, 0.5])
  })

  test('gives delta / mu with the minima dropped', () => {
    const score = epsilonFromOutputs(output1, output2)
    const mu = f(3.5 / 6)
    expect(score.nanReason).toBeNull()
    expect(score.value).toBe(f(0.375 / mu))
    expect(score.value).toBe(f(0.6428572)) // numpy reference, see above
    expect(score.value).toBeCloseTo(0.375 / (3.5 / 6), 6)
  })

  test('the zero -> NaN quirk changes the result (1.142857 without it)', () => {
    const withoutQuirk = epsilonFloat64(output1, output2, false)
    expect(withoutQuirk).toBeCloseTo(0.5 / 0.4375, 12)
    expect(f(withoutQuirk)).toBe(f(1.1428572))
    const score = epsilonFromOutputs(output1, output2)
    expect(Math.abs(score.value - withoutQuirk)).toBeGreaterThan(0.4)
  })

  test('drops every exact zero, not just one per row (ties at the minimum)', () => {
    // output1 = [0, 0, 2, 4] -> [0, 0, 0.5, 1] -> [NaN, NaN, 0.5, 1]
    // output2 = [4, 2, 0, 4] -> [1, 0.5, 0, 1] -> [1, 0.5, NaN, 1]
    // |diff| = [NaN, NaN, NaN, 0] -> delta = 0; mu = (0.5 + 1 + 1 + 0.5 + 1) / 5 = 0.8; epsilon = 0
    const score = epsilonFromOutputs(f32([0, 0, 2, 4]), f32([4, 2, 0, 4]))
    expect(score).toEqual({ value: 0, nanReason: null })
  })

  test('does not depend on the scale or offset of an output (min-max normalisation)', () => {
    // Power-of-two scale and an exact offset keep every float32 step exact.
    const a = epsilonFromOutputs(output1, output2)
    const b = epsilonFromOutputs(f32([0, 4, 8, 16].map((x) => x - 3)), f32([8, 0, 2, 4].map((x) => x * 0.5 + 1)))
    expect(b.value).toBe(a.value)
  })

  test('is symmetric in the two outputs', () => {
    const r = new SeededRandom(11)
    const o1 = f32(Array.from({ length: 300 }, () => r.nextNormal()))
    const o2 = f32(Array.from({ length: 300 }, () => r.nextNormal()))
    expect(epsilonFromOutputs(o1, o2).value).toBe(epsilonFromOutputs(o2, o1).value)
  })

  test('identical outputs give 0', () => {
    expect(epsilonFromOutputs(output1, output1)).toEqual({ value: 0, nanReason: null })
  })

  test('rejects outputs of different lengths', () => {
    expect(() => epsilonFromOutputs(f32([0, 1, 2]), f32([0, 1]))).toThrow(/length/)
  })
})

describe('epsilonFromOutputs: float32 arithmetic', () => {
  test('hand-worked: f32(0.8) makes the result differ from the float64 answer by several ulps', () => {
    // output1 = [4, 0, 5] -> [0.8, 0, 1], but 0.8 is f32(4 / 5) = 0.800000011920929
    // output2 = [6, 0, 8] -> [0.75, 0, 1] (exact)
    // P = [[0.8f, NaN, 1], [0.75, NaN, 1]]
    // |diff| = [0.8f - 0.75 = 0.050000011920929 (exact subtraction), NaN, 0] -> delta = f32(0.0500000119 / 2)
    // mu = f32((0.8f + 1 + 0.75 + 1) / 4) ; epsilon = f32(delta / mu)
    // float32 (numpy):  np.float32(0.028169021)
    // float64:          0.025 / 0.8875 = 0.028169014084507...  -> f32 = 0.028169014 (a different float32)
    const o1 = f32([4, 0, 5])
    const o2 = f32([6, 0, 8])
    const p0 = f(4 / 5)
    const delta = f(f(p0 - 0.75) / 2)
    // numpy's pairwise sum for n < 8 adds sequentially: (((0 + 0.8f) + 0) + 1) + 0.75) + 0) + 1, zeros for NaNs
    const sum = f(f(f(p0 + 1) + 0.75) + 1)
    const mu = f(sum / 4)
    const score = epsilonFromOutputs(o1, o2)
    expect(score.value).toBe(f(delta / mu))
    expect(score.value).toBe(f(0.028169021))
    const float64 = epsilonFloat64(o1, o2)
    expect(float64).toBeCloseTo(0.025 / 0.8875, 15)
    expect(score.value).not.toBe(f(float64))
  })

  test('the 2/3 case: float32 gives 0.6666666, not fround(2/3) = 0.6666667', () => {
    // output1 = [0, 1, 2, 3] -> [NaN, 1/3, 2/3, 1];  output2 = [0, 3, 1, 2] -> [NaN, 1, 1/3, 2/3]
    // exact: delta = (2/3 + 1/3 + 1/3) / 3 = 4/9, mu = 4/6, epsilon = 2/3.
    // numpy float32 pipeline: np.float32(0.6666666); float64 pipeline: 0.6666666666666667.
    const score = epsilonFromOutputs(f32([0, 1, 2, 3]), f32([0, 3, 1, 2]))
    expect(score.value).toBe(f(0.6666666))
    expect(score.value).not.toBe(f(2 / 3))
  })

  test.each([
    // Found with numpy (float32 reference vs float64 of the same code): python3 snippet
    //   ref(o1, o2) = nanmin/nanmax normalise, preds[preds == 0] = nan, nanmean(|p0 - p1|) / nanmean(preds)
    [[5, 8, 0, 7, 3], [0, 2, 1, 5, 7], 0.79715306, 0.797153],
    [[2, 4, 1, 5], [4, 9, 9, 0], 0.29999998, 0.3],
    [[5, 6, 9, 0, 7, 0], [2, 9, 3, 1, 3, 7], 0.8546511, 0.85465115],
    [[8, 5, 8, 4, 7], [1, 9, 5, 4, 0], 1.0869564, 1.0869565],
    [[1, 3, 5, 8, 9, 5], [2, 5, 4, 8, 1, 4], 0.2586207, 0.25862068],
  ])('matches numpy float32 bit for bit: %j vs %j', (o1, o2, numpyFloat32, float64Rounded) => {
    const score = epsilonFromOutputs(f32(o1), f32(o2))
    expect(score.value).toBe(f(numpyFloat32))
    expect(f(epsilonFloat64(o1, o2))).toBe(f(float64Rounded))
    expect(score.value).not.toBe(f(float64Rounded))
  })

  test.each([
    // python3: gen(n) = float32(((i*7919+104729) % 1000003)/1000003*2-1) * 2**(i%11-5)); g = gen(2L);
    //          ref(g[:L], g[L:]) with ref as in the comment above (numpy 2.4.6, float32 throughout)
    // L = 2560 is CIFAR-10 logits for batch 256; L = 25600 (51,200 entries in P) is CIFAR-100.
    [2560, 0.17671588],
    [25600, 0.17181432],
  ])('matches numpy on long outputs (L = %i, pairwise sums over 2L entries)', (length, numpyFloat32) => {
    const g = new Float32Array(2 * length)
    for (let i = 0; i < g.length; i++) g[i] = (((i * 7919 + 104729) % 1000003) / 1000003 * 2 - 1) * 2 ** ((i % 11) - 5)
    const score = epsilonFromOutputs(g.subarray(0, length), g.subarray(length))
    expect(score.value).toBe(f(numpyFloat32))
  })

  test('the value is always a float32', () => {
    const r = new SeededRandom(3)
    for (let k = 0; k < 20; k++) {
      const length = 1 + r.nextInt(3000)
      const o1 = f32(Array.from({ length }, () => r.nextNormal() * 1e3))
      const o2 = f32(Array.from({ length }, () => r.nextNormal() * 1e-3))
      const { value, nanReason } = epsilonFromOutputs(o1, o2)
      if (nanReason === null) expect(value).toBe(f(value))
      else expect(value).toBeNaN()
    }
  })
})

describe('epsilonFromOutputs: NaN scores and reasons', () => {
  test('a constant output gives NaN with reason outputs-constant (0 / 0 in the normalisation)', () => {
    const varying = f32([0, 1, 2, 4])
    for (const [a, b] of [
      [f32([3, 3, 3, 3]), varying],
      [varying, f32([3, 3, 3, 3])],
      [f32([0, 0, 0, 0]), f32([-1, -1, -1, -1])],
    ]) {
      const score = epsilonFromOutputs(a, b)
      expect(score.value).toBeNaN()
      expect(score.nanReason).toBe('outputs-constant')
    }
    expect(Array.from(minMaxNormalise(f32([3, 3, 3]))).every(Number.isNaN)).toBe(true)
  })

  test('+inf in an output propagates to NaN (reason outputs-nonfinite)', () => {
    // v = [0, 1, inf, 2]: nanmax = inf, range = inf -> finite entries (x - 0) / inf = 0 -> NaN by the
    // quirk, the inf entry inf / inf = NaN: the whole row is NaN, so delta = nanmean([]) = NaN.
    expect(Array.from(minMaxNormalise(f32([0, 1, Infinity, 2])))).toEqual([0, 0, NaN32, 0])
    const score = epsilonFromOutputs(f32([0, 1, Infinity, 2]), f32([0, 1, 2, 4]))
    expect(score.value).toBeNaN()
    expect(score.nanReason).toBe('outputs-nonfinite')
  })

  test('-inf in an output propagates to NaN (reason outputs-nonfinite)', () => {
    // nanmin = -inf: x - (-inf) = inf, range = inf -> inf / inf = NaN; the -inf entry: -inf + inf = NaN.
    expect(Array.from(minMaxNormalise(f32([0, -Infinity, 2]))).every(Number.isNaN)).toBe(true)
    const score = epsilonFromOutputs(f32([0, 1, 2, 4]), f32([0, -Infinity, 2, 3]))
    expect(score.value).toBeNaN()
    expect(score.nanReason).toBe('outputs-nonfinite')
  })

  test('a NaN entry is skipped by nanmin / nanmax (not min / max): the score stays finite', () => {
    // metric.md 2.2 uses nanmin / nanmax, as the reference does. With np.min / np.max one NaN
    // would make the whole row NaN (and epsilon NaN); with nanmin / nanmax only that entry is NaN.
    // output1 = [NaN, 0, 1, 2, 4] -> [NaN, 0, 0.25, 0.5, 1] -> quirk [NaN, NaN, 0.25, 0.5, 1]
    // output2 = [5, 8, 0, 2, 4]   -> [0.625, 1, 0, 0.25, 0.5] -> quirk [0.625, 1, NaN, 0.25, 0.5]
    // |diff| = [NaN, NaN, NaN, 0.25, 0.5]                -> delta = 0.375
    // entries: 0.25 0.5 1 0.625 1 0.25 0.5 (7 of them)  -> sum 4.125, mu = f32(4.125 / 7)
    // epsilon = f32(0.375 / mu) = f32(7 / 11 = 0.636363...); numpy: np.float32(0.6363636)
    expect(Array.from(minMaxNormalise(f32([NaN32, 0, 1, 2, 4])))).toEqual([NaN32, 0, 0.25, 0.5, 1])
    const score = epsilonFromOutputs(f32([NaN32, 0, 1, 2, 4]), f32([5, 8, 0, 2, 4]))
    expect(score.nanReason).toBeNull()
    expect(score.value).toBe(f(0.375 / f(4.125 / 7)))
    expect(score.value).toBe(f(0.6363636))
  })

  test('nanmin / nanmax ignore NaN wherever it sits (first, middle, last, several)', () => {
    // Same values as above with the NaN moved: normalisation must always use min 0 and max 4.
    expect(Array.from(minMaxNormalise(f32([0, 1, NaN32, 2, 4])))).toEqual([0, 0.25, NaN32, 0.5, 1])
    expect(Array.from(minMaxNormalise(f32([0, 1, 2, 4, NaN32])))).toEqual([0, 0.25, 0.5, 1, NaN32])
    expect(Array.from(minMaxNormalise(f32([NaN32, 4, NaN32, 0, NaN32])))).toEqual([NaN32, 1, NaN32, 0, NaN32])
    // Moving the NaN (and the matching column of output2) does not change epsilon.
    const first = epsilonFromOutputs(f32([NaN32, 0, 1, 2, 4]), f32([5, 8, 0, 2, 4]))
    const last = epsilonFromOutputs(f32([0, 1, 2, 4, NaN32]), f32([8, 0, 2, 4, 5]))
    const middle = epsilonFromOutputs(f32([0, 1, NaN32, 2, 4]), f32([8, 0, 5, 2, 4]))
    expect(last.value).toBe(first.value)
    expect(middle.value).toBe(first.value)
  })

  test('an output that is all NaN, or NaN plus a constant, gives NaN (reason outputs-nonfinite)', () => {
    for (const bad of [f32([NaN32, NaN32, NaN32]), f32([NaN32, 2, 2])]) {
      const score = epsilonFromOutputs(bad, f32([0, 1, 2]))
      expect(score.value).toBeNaN()
      expect(score.nanReason).toBe('outputs-nonfinite')
    }
  })

  test('nothing left to compare gives NaN with reason no-entries-left', () => {
    // [0, 1] -> [NaN, 1]; [1, 0] -> [1, NaN]: no column has both entries, delta = NaN.
    const score = epsilonFromOutputs(f32([0, 1]), f32([1, 0]))
    expect(score.value).toBeNaN()
    expect(score.nanReason).toBe('no-entries-left')
  })

  test('empty and single-entry outputs give NaN, never throw', () => {
    expect(epsilonFromOutputs(f32([]), f32([])).value).toBeNaN()
    const single = epsilonFromOutputs(f32([5]), f32([7]))
    expect(single.value).toBeNaN()
    expect(single.nanReason).toBe('outputs-constant')
  })

  test('value is NaN exactly when nanReason is set', () => {
    const r = new SeededRandom(5)
    const cases: [Float32Array, Float32Array][] = []
    for (let k = 0; k < 30; k++) {
      const length = 1 + r.nextInt(6)
      const pick = (): number => [0, 1, 2, NaN32, Infinity, -Infinity, 1e38, 1e-45][r.nextInt(8)]
      cases.push([f32(Array.from({ length }, pick)), f32(Array.from({ length }, pick))])
    }
    for (const [a, b] of cases) {
      const { value, nanReason } = epsilonFromOutputs(a, b)
      expect(Number.isNaN(value)).toBe(nanReason !== null)
      if (nanReason === null) expect(Number.isFinite(value)).toBe(true)
    }
  })

  test('does not modify its inputs', () => {
    const a = f32([0, 1, 2, 4])
    const b = f32([8, 0, 2, 4])
    epsilonFromOutputs(a, b)
    expect(Array.from(a)).toEqual([0, 1, 2, 4])
    expect(Array.from(b)).toEqual([8, 0, 2, 4])
  })
})
