import { describe, expect, test } from 'vitest'
import { epsilonFromOutputs, scoreOfConstantFirstOutput } from '../../../src/main/core/epsilon/index.ts'
import { SeededRandom } from '../../../src/main/core/random.ts'

/** A finite float32 vector with a few exact zeros, ties and subnormals, as network outputs hold. */
function finiteOutput(random: SeededRandom, length: number): Float32Array {
  const out = new Float32Array(length)
  for (let i = 0; i < length; i++) {
    const kind = random.nextFloat()
    out[i] = kind < 0.1 ? 0 : kind < 0.15 ? 1e-42 : kind < 0.2 ? -3 : (random.nextFloat() - 0.5) * 10 ** Math.floor(random.nextFloat() * 12 - 6)
  }
  return out
}

describe('scoreOfConstantFirstOutput (the second pass skipped when the first output decides the score)', () => {
  test('gives exactly what epsilonFromOutputs gives for a constant finite first output and any finite second one', () => {
    const random = new SeededRandom(11)
    const constants = [0, -0, 1e-42, -1e-42, 1, -2.5, 3e38, Math.fround(1e-7)]
    for (const value of constants) {
      for (const length of [1, 2, 7, 256]) {
        const first = new Float32Array(length).fill(value)
        // A -0 among +0s (and the reverse) is still constant to nanMinMax.
        if (length > 1 && value === 0) first[length - 1] = Object.is(value, 0) ? -0 : 0
        const decided = scoreOfConstantFirstOutput(first)
        expect(decided).not.toBeNull()
        for (let trial = 0; trial < 5; trial++) {
          const full = epsilonFromOutputs(first, finiteOutput(random, length))
          expect(decided).toEqual(full)
        }
        // A constant second output too: still the same answer.
        expect(decided).toEqual(epsilonFromOutputs(first, new Float32Array(length).fill(4)))
      }
    }
  })

  test('decides nothing when the first output varies or holds inf or NaN (those need the second output)', () => {
    expect(scoreOfConstantFirstOutput(new Float32Array([1, 1, 1.0000001]))).toBeNull()
    expect(scoreOfConstantFirstOutput(new Float32Array([1, Number.NaN, 1]))).toBeNull()
    expect(scoreOfConstantFirstOutput(new Float32Array([Number.NaN, Number.NaN]))).toBeNull()
    expect(scoreOfConstantFirstOutput(new Float32Array([Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY]))).toBeNull()
    expect(scoreOfConstantFirstOutput(new Float32Array([]))).toBeNull()
    // Why the caller must prove the second output finite: with an inf there, the reason changes.
    const first = new Float32Array([2, 2, 2])
    expect(epsilonFromOutputs(first, new Float32Array([1, Number.POSITIVE_INFINITY, 0])).nanReason).toBe('outputs-nonfinite')
    expect(scoreOfConstantFirstOutput(first)?.nanReason).toBe('outputs-constant')
  })
})
