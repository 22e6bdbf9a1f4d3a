import { createHash } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { SeededRandom } from '../../../src/main/core/random.ts'
import { hashModule, md5Hex, nb101Hash, randomNb101Spec, type Nb101Spec } from '../../../src/main/core/spaces/nb101/index.ts'
import { FIRST_RECORD, INCEPTION, text } from './fixtures.ts'

/** The spec with its inner vertices reordered by `order` (a topological order keeps it upper triangular). */
function permuted(spec: Nb101Spec, order: readonly number[]): Nb101Spec {
  return { matrix: order.map((i) => order.map((j) => spec.matrix[i][j])), ops: order.map((i) => spec.ops[i]) }
}

/** Every ordering of the vertices that keeps edges pointing forwards, input first and output last. */
function topologicalOrders(spec: Nb101Spec): number[][] {
  const v = spec.matrix.length
  const out: number[][] = []
  const walk = (placed: number[]): void => {
    if (placed.length === v) {
      out.push([...placed])
      return
    }
    for (let next = 0; next < v; next++) {
      if (placed.includes(next)) continue
      if (placed.length < v - 1 && next === v - 1) continue
      if (spec.matrix.every((row, from) => !row[next] || placed.includes(from))) walk([...placed, next])
    }
  }
  walk([])
  return out
}

describe('md5Hex', () => {
  test.each(['', 'a', 'abc', '(2, 0, -1)', 'message digest', 'x'.repeat(55), 'y'.repeat(56), 'z'.repeat(64), 'é∂ü'.repeat(40)])(
    'should equal node:crypto on %j',
    (input) => {
      expect(md5Hex(input)).toBe(createHash('md5').update(input, 'utf8').digest('hex'))
    },
  )

  test('should give the RFC 1321 test vectors', () => {
    expect(md5Hex('')).toBe('d41d8cd98f00b204e9800998ecf8427e')
    expect(md5Hex('abc')).toBe('900150983cd24fb0d6963f7d28e17f72')
    expect(md5Hex('12345678901234567890123456789012345678901234567890123456789012345678901234567890')).toBe('57edf4a22be3c955ac49da2e2107b67a')
  })
})

describe('nb101Hash (the official module hash)', () => {
  describe('should reproduce published spec -> hash pairs', () => {
    test('the README Inception-like cell -> 28cfc7874f6d200472e1a9dcd8650aa0 (google-research unified_functional_hashing evaluator_test.py)', () => {
      expect(nb101Hash(INCEPTION)).toBe('28cfc7874f6d200472e1a9dcd8650aa0')
    })

    test('the first record of nasbench_only108 -> 00005c142e6f48ac74fdcf73e3439874 (NNI docs BenchmarksExample.ipynb)', () => {
      expect(nb101Hash(FIRST_RECORD)).toBe('00005c142e6f48ac74fdcf73e3439874')
      expect(nb101Hash(text(FIRST_RECORD))).toBe('00005c142e6f48ac74fdcf73e3439874')
    })
  })

  describe('should keep the equalities and differences asserted by nasbench tests/graph_util_test.py test_hash_module', () => {
    test('diamond graph with a label permutation: equal', () => {
      const matrix = [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]]
      expect(hashModule(matrix, [-1, 1, 2, -2])).toBe(hashModule(matrix, [-1, 2, 1, -2]))
    })

    test('simple graph with an edge permutation: equal; with other labels: different', () => {
      const m1 = [[0, 1, 1, 0, 0], [0, 0, 0, 0, 1], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]]
      const m2 = [[0, 1, 0, 1, 0], [0, 0, 1, 0, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]]
      const m3 = [[0, 1, 1, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]]
      const l1 = [-1, 1, 2, 3, -2]
      const l2 = [-1, 2, 3, 1, -2]
      const l3 = [-1, 2, 1, 3, -2]
      expect(hashModule(m2, l2)).toBe(hashModule(m1, l1))
      expect(hashModule(m3, l3)).toBe(hashModule(m1, l1))
      expect(hashModule(m1, l2)).not.toBe(hashModule(m1, l1))
      expect(hashModule(m1, l3)).not.toBe(hashModule(m1, l1))
    })

    test('connected non-isomorphic regular graphs on 6 inner vertices: different', () => {
      const m1 = [
        [0, 1, 0, 0, 0, 0, 0, 0],
        [0, 0, 1, 1, 0, 0, 1, 0],
        [0, 0, 0, 0, 1, 1, 0, 0],
        [0, 0, 0, 0, 1, 1, 0, 0],
        [0, 0, 0, 0, 0, 0, 1, 0],
        [0, 0, 0, 0, 0, 0, 1, 0],
        [0, 0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0, 0, 0],
      ]
      const m2 = [
        [0, 1, 0, 0, 0, 0, 0, 0],
        [0, 0, 1, 1, 0, 1, 0, 0],
        [0, 0, 0, 0, 1, 0, 1, 0],
        [0, 0, 0, 0, 1, 1, 0, 0],
        [0, 0, 0, 0, 0, 0, 1, 0],
        [0, 0, 0, 0, 0, 0, 1, 0],
        [0, 0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0, 0, 0],
      ]
      const labels = [-1, 1, 1, 1, 1, 1, 1, -2]
      expect(hashModule(m2, labels)).not.toBe(hashModule(m1, labels))
    })

    test('tricky non-isomorphic cases (self hash, edge direction, in-neighbours): different', () => {
      const chain = [[0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]]
      expect(hashModule(chain, [-1, 1, 0, 0, -2])).not.toBe(hashModule(chain, [-1, 0, 0, 1, -2]))
      const skip = [[0, 1, 0, 1], [0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]]
      expect(hashModule(skip, [-1, 1, 0, -2])).not.toBe(hashModule(skip, [-1, 0, 1, -2]))
      const fan = [
        [0, 1, 1, 1, 1, 0, 0],
        [0, 0, 1, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 1, 0],
        [0, 0, 0, 0, 0, 1, 0],
        [0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0, 0],
      ]
      expect(hashModule(fan, [-1, 1, 0, 0, 0, 0, -2])).not.toBe(hashModule(fan, [-1, 0, 0, 0, 1, 0, -2]))
    })

    test('the bipartite counter-example the algorithm cannot tell apart: equal', () => {
      const m1 = [
        [0, 1, 1, 1, 1, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 1, 1, 0, 0, 0],
        [0, 0, 0, 0, 0, 1, 1, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 1, 1, 0],
        [0, 0, 0, 0, 0, 0, 0, 1, 1, 0],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      ]
      const m2 = [
        [0, 1, 1, 1, 1, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 1, 1, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 1, 1, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 1, 1, 0],
        [0, 0, 0, 0, 0, 1, 0, 0, 1, 0],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      ]
      const labels = [-1, 1, 1, 1, 1, 2, 2, 2, 2, -2]
      expect(hashModule(m2, labels)).toBe(hashModule(m1, labels))
    })
  })

  describe('should identify the graph, not its spelling', () => {
    test('every vertex order of a spec has its hash (all topological orders of the published specs)', () => {
      for (const spec of [INCEPTION, FIRST_RECORD]) {
        const orders = topologicalOrders(spec)
        expect(orders.length).toBeGreaterThanOrEqual(4)
        const hashes = new Set(orders.map((order) => nb101Hash(permuted(spec, order))))
        expect([...hashes]).toEqual([nb101Hash(spec)])
      }
    })

    test('random specs keep their hash under a random topological reordering', () => {
      const random = new SeededRandom(101)
      for (let k = 0; k < 50; k++) {
        const spec = randomNb101Spec(random)
        const orders = topologicalOrders(spec)
        const order = orders[random.nextInt(orders.length)]
        expect(nb101Hash(permuted(spec, order))).toBe(nb101Hash(spec))
      }
    })

    test('the hash is taken of the pruned spec (a dead vertex changes nothing)', () => {
      // Vertex 5 (the max-pool) loses its input edge, so pruning removes it.
      const dead = INCEPTION.matrix.map((row) => [...row])
      dead[0][5] = 0
      const keep = [0, 1, 2, 3, 4, 6]
      const pruned: Nb101Spec = { matrix: keep.map((i) => keep.map((j) => INCEPTION.matrix[i][j])), ops: keep.map((i) => INCEPTION.ops[i]) }
      expect(nb101Hash({ matrix: dead, ops: INCEPTION.ops })).toBe(nb101Hash(pruned))
      expect(nb101Hash(pruned)).not.toBe(nb101Hash(INCEPTION))
    })

    test('different op labels give different hashes', () => {
      const swapped = { ...INCEPTION, ops: INCEPTION.ops.map((op) => (op === 'maxpool3x3' ? 'conv1x1-bn-relu' : op)) }
      expect(nb101Hash(swapped)).not.toBe(nb101Hash(INCEPTION))
    })
  })
})
