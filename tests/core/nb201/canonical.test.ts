import { beforeAll, describe, expect, test } from 'vitest'
import { runGraphTs } from '../../../src/main/core/backends/ts/interpreter.ts'
import { SeededRandom } from '../../../src/main/core/random.ts'
import { buildNetwork, prepareNetwork, scorePrepared, shareableCanonicalKey, type NetworkForm, type NetworkSpec } from '../../../src/main/core/scoring/index.ts'
import { cellNodeExprs } from '../../../src/main/core/spaces/nb201/canonical.ts'
import { enumerateNb201, nb201CanonicalKey, parseNb201Arch } from '../../../src/main/core/spaces/nb201/index.ts'
import { greySource, normalSource, type Minibatch } from '../../../src/main/data/index.ts'
import type { WeightPair } from '../../../src/shared/types.ts'

/**
 * The canonical form (canonical.ts) drops `none` edges and ops on all-zero nodes, shares skip
 * tensors and orders two-term sums. While no inf/NaN occurs every one of those rewrites is exact, so
 * the literal and the pruned network must give the same bits, and all archs with one canonical key
 * must too: that is what lets the scorer compute one arch per key and share the score.
 */

const SPEC: NetworkSpec = { space: 'nb201', dataset: 'cifar10', batchSize: 8 }
const SHAPE = [8, 3, 32, 32] as const
const PAIRS: readonly WeightPair[] = [
  [1e-7, 1],
  [1e-1, 10],
]
const WEIGHTS = [...new Set(PAIRS.flat())]
const ALL_CONV = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|'

const ALL = enumerateNb201()
const CLASSES = new Map<string, string[]>()
for (const arch of ALL) {
  const key = nb201CanonicalKey(arch)
  const members = CLASSES.get(key)
  if (members) members.push(arch)
  else CLASSES.set(key, [arch])
}

function noneCount(arch: string): number {
  return arch.split('none~').length - 1
}

/** Archs with at least one intermediate node (1 or 2) that is identically zero (only `none` paths into it). */
function hasZeroNode(arch: string): boolean {
  return cellNodeExprs(parseNb201Arch(arch))
    .slice(1, 3)
    .some((e) => e.kind === 'zero')
}

/**
 * Seeded sample of classes with more than one member, plus the all-zero class ('0', 341 archs), the
 * identity class ('x') and a class whose members differ only in the order of a two-term sum. From
 * each class: one random member and the member with the most `none` edges.
 */
function sampleClasses(): [string, string, string][] {
  const shared = [...CLASSES.entries()].filter(([, members]) => members.length > 1)
  const random = new SeededRandom(201)
  const picked = new Set(random.sampleWithoutReplacement(shared.length, 30).map((i) => shared[i][0]))
  picked.add('0')
  picked.add('x')
  picked.add('sum(avg_pool_3x3(x),nor_conv_1x1(x))')
  return [...picked].map((key) => {
    const members = CLASSES.get(key) as string[]
    const first = members[random.nextInt(members.length)]
    const noneHeavy = members.filter((m) => m !== first).sort((a, b) => noneCount(b) - noneCount(a))[0]
    return [key, first, noneHeavy]
  })
}

const SAMPLE = sampleClasses()

describe('nb201CanonicalKey over the whole space', () => {
  test('should give 6,399 distinct keys for the 15,625 archs', () => {
    expect(ALL.length).toBe(15_625)
    expect(CLASSES.size).toBe(6_399)
  })

  test('should map the 341 archs whose output node is identically zero to the key "0", and only them', () => {
    const zero = CLASSES.get('0') as string[]
    expect(zero.length).toBe(341)
    // Output node 3 is zero exactly when every path into it is cut by a `none` edge.
    for (const arch of zero) expect(cellNodeExprs(parseNb201Arch(arch))[3].kind).toBe('zero')
    expect(zero).toContain('|none~0|+|none~0|none~1|+|none~0|none~1|none~2|')
    expect(zero).toContain('|nor_conv_3x3~0|+|skip_connect~0|avg_pool_3x3~1|+|none~0|none~1|none~2|')
  })

  test('should put archs that differ only in dead edges or two-term sum order in one class, and keep three-term order', () => {
    // Node 2 is dead (none into node 3 from it), so its edges do not matter.
    expect(nb201CanonicalKey('|skip_connect~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|nor_conv_1x1~0|skip_connect~1|none~2|')).toBe(
      nb201CanonicalKey('|skip_connect~0|+|none~0|none~1|+|nor_conv_1x1~0|skip_connect~1|none~2|'),
    )
    // a + b == b + a exactly in float32.
    expect(nb201CanonicalKey('|avg_pool_3x3~0|+|none~0|none~1|+|nor_conv_1x1~0|skip_connect~1|none~2|')).toBe(
      nb201CanonicalKey('|nor_conv_1x1~0|+|none~0|none~1|+|avg_pool_3x3~0|skip_connect~1|none~2|'),
    )
    // Three live terms: (a + b) + c and (a + c) + b round differently, so the order is part of the key.
    const abc = '|nor_conv_1x1~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|skip_connect~1|skip_connect~2|'
    const acb = '|skip_connect~0|+|nor_conv_1x1~0|none~1|+|avg_pool_3x3~0|skip_connect~1|skip_connect~2|'
    expect(nb201CanonicalKey(abc)).toBe('sum(avg_pool_3x3(x),nor_conv_1x1(x),x)')
    expect(nb201CanonicalKey(acb)).toBe('sum(avg_pool_3x3(x),x,nor_conv_1x1(x))')
  })
})

describe('literal vs pruned network on the collapsed engine', () => {
  const inputs: Record<'grey' | 'normal', Minibatch> = {} as Record<'grey' | 'normal', Minibatch>
  beforeAll(async () => {
    inputs.grey = await greySource.load(SHAPE, 0)
    inputs.normal = await normalSource.load(SHAPE, 3)
  })

  test('the sample covers none edges, zero intermediate nodes and pruned graphs that really are smaller', () => {
    const archs = SAMPLE.flatMap(([, a, b]) => [a, b])
    expect(archs.filter((a) => noneCount(a) > 0).length).toBeGreaterThanOrEqual(15)
    expect(archs.filter(hasZeroNode).length).toBeGreaterThanOrEqual(5)
    const smaller = archs.filter((a) => buildNetwork(a, SPEC, 'pruned').nodes.length < buildNetwork(a, SPEC, 'literal').nodes.length)
    expect(smaller.length).toBeGreaterThanOrEqual(20)
  })

  /** Outputs per weight and epsilon per pair of one arch in one form. */
  function run(arch: string, form: NetworkForm, input: Minibatch): { outputs: Map<number, Float32Array>; epsilons: { value: number; nanReason: string | null }[] } {
    const prepared = prepareNetwork(buildNetwork(arch, SPEC, form), input, 'collapsed')
    const raw = new Map(WEIGHTS.map((w) => [w, runGraphTs(prepared.graph, prepared.input, w)]))
    const epsilons = PAIRS.map((pair) => scorePrepared(prepared, pair, (_g, _x, w) => raw.get(w) as Float32Array))
    const outputs = new Map(WEIGHTS.map((w) => [w, prepared.fullOutput(raw.get(w) as Float32Array)]))
    return { outputs, epsilons }
  }

  function expectSameBits(a: Float32Array, b: Float32Array, what: string): void {
    expect(a.length).toBe(b.length)
    let differing = 0
    // Same float32 value or both NaN (the sign of a zero is not part of the contract).
    for (let i = 0; i < a.length; i++) if (!(a[i] === b[i] || (Number.isNaN(a[i]) && Number.isNaN(b[i])))) differing++
    expect(differing, `${what}: ${differing} of ${a.length} outputs differ`).toBe(0)
  }

  let finiteSeen = 0
  const cases = SAMPLE.flatMap(([key, a, b]) => (['grey', 'normal'] as const).map((input) => [key, input, a, b] as const))

  test.each(cases)('class %s (%s input): literal == pruned bit for bit, and both members score the same', (key, inputName, a, b) => {
    const input = inputs[inputName]
    const literalA = run(a, 'literal', input)
    const prunedA = run(a, 'pruned', input)
    const literalB = run(b, 'literal', input)
    for (const w of WEIGHTS) {
      expectSameBits(literalA.outputs.get(w) as Float32Array, prunedA.outputs.get(w) as Float32Array, `${a} literal vs pruned at w = ${w}`)
      expectSameBits(literalA.outputs.get(w) as Float32Array, literalB.outputs.get(w) as Float32Array, `${a} vs ${b} (both literal) at w = ${w}`)
    }
    PAIRS.forEach((pair, k) => {
      // toBe is Object.is: NaN matches NaN, and the values must be the same float.
      expect(prunedA.epsilons[k].value, `${a} at [${pair}]`).toBe(literalA.epsilons[k].value)
      expect(prunedA.epsilons[k].nanReason).toBe(literalA.epsilons[k].nanReason)
      expect(literalB.epsilons[k].value, `${b} vs ${a} at [${pair}]`).toBe(literalA.epsilons[k].value)
      expect(literalB.epsilons[k].nanReason).toBe(literalA.epsilons[k].nanReason)
    })
    for (const e of literalA.epsilons) if (!Number.isNaN(e.value)) finiteSeen++
    if (key === '0') {
      // Output constant zero: NaN at every weight, and the same NaN for every member.
      expect(literalA.epsilons.every((e) => Number.isNaN(e.value) && e.nanReason === 'outputs-constant')).toBe(true)
    }
  })

  test('most compared epsilons are finite (identity of NaN with NaN alone would prove little)', () => {
    expect(finiteSeen).toBeGreaterThanOrEqual(cases.length)
  })
})

describe('shareableCanonicalKey', () => {
  // Grey input lies in [0, 1).
  const INPUT_BOUND = 1

  test('should return the canonical key at [1e-7, 1], where the literal network provably stays finite', () => {
    expect(shareableCanonicalKey(ALL_CONV, SPEC, [1e-7, 1], INPUT_BOUND)).toBe(nb201CanonicalKey(ALL_CONV))
    const [, a, b] = SAMPLE[0]
    expect(shareableCanonicalKey(a, SPEC, [1e-7, 1], INPUT_BOUND)).toBe(shareableCanonicalKey(b, SPEC, [1e-7, 1], INPUT_BOUND))
    expect(shareableCanonicalKey('|none~0|+|none~0|none~1|+|none~0|none~1|none~2|', SPEC, [1e-7, 1], INPUT_BOUND)).toBe('0')
  })

  test('should return null at [1e-7, 1e4]: the magnitude bound cannot rule out inf, and inf * 0 is NaN, not 0', () => {
    expect(shareableCanonicalKey(ALL_CONV, SPEC, [1e-7, 1e4], INPUT_BOUND)).toBeNull()
    // The huge weight alone decides: the same arch at a pair of moderate weights is shareable.
    expect(shareableCanonicalKey(ALL_CONV, SPEC, [1e4, 1], INPUT_BOUND)).toBeNull()
    expect(shareableCanonicalKey(ALL_CONV, SPEC, [1e-3, 1e-1], INPUT_BOUND)).not.toBeNull()
  })

  test('should reject a malformed arch with BAD_ARCH', () => {
    expect(() => shareableCanonicalKey('|none~0|', SPEC, [1e-7, 1], INPUT_BOUND)).toThrow(expect.objectContaining({ code: 'BAD_ARCH' }))
  })
})
