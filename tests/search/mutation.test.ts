import { describe, expect, test } from 'vitest'
import { nb201ArchAt } from '../../src/main/core/spaces/nb201/index.ts'
import { nb201Space } from '../../src/main/core/spaces/nb201/space.ts'
import { natsSssSpace } from '../../src/main/core/spaces/natssss/space.ts'
import { nb101Space } from '../../src/main/core/spaces/nb101/space.ts'
import { nbnlpSpace } from '../../src/main/core/spaces/nbnlp/space.ts'
import { SeededRandom } from '../../src/main/core/random.ts'
import { onnxSearchSpace } from '../../src/main/user-spaces/onnx-space.ts'
import { drawnMutation, editDistanceNeighbours, mutationOver } from '../../src/main/search/index.ts'

/** Positions where two token lists differ, plus their length difference. */
function distance(a: readonly string[], b: readonly string[]): number {
  let d = Math.abs(a.length - b.length)
  for (let k = 0; k < Math.min(a.length, b.length); k++) if (a[k] !== b[k]) d += 1
  return d
}

const tokensOf = (space: { mutationTokens(arch: string): readonly string[] | null }) => (arch: string): readonly string[] => space.mutationTokens(arch) as readonly string[]

/** Issue 16 section 1: mutation is a property of the space (SearchSpace.mutationTokens), no branch on space ids. */
describe('each space says what a mutation is', () => {
  test('NB201: the six edges in arch-string order; the full space gives the reference 24 one-edge changes', () => {
    expect(nb201Space.mutationTokens('|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_1x1~1|none~2|')).toEqual([
      'nor_conv_3x3~0', 'none~0', 'skip_connect~1', 'avg_pool_3x3~0', 'nor_conv_1x1~1', 'none~2',
    ])
    const archs = Array.from({ length: 15625 }, (_, i) => nb201ArchAt(i))
    const neighbours = editDistanceNeighbours(archs, tokensOf(nb201Space))
    expect(neighbours(0).length).toBe(24)
    expect(neighbours(12345).length).toBe(24)
  })

  test('natssss: the five channel counts; the full space gives 5 places x 7 other counts', () => {
    expect(natsSssSpace.mutationTokens('8:16:24:32:64')).toEqual(['8', '16', '24', '32', '64'])
    const archs = natsSssSpace.enumerate() as string[]
    expect(editDistanceNeighbours(archs, tokensOf(natsSssSpace))(100).length).toBe(35)
  })

  test('NB101: 21 upper-triangle bits of the padded 7x7 matrix, then the 5 inner ops; one flip or one op change is distance 1', () => {
    const full = {
      matrix: [[0, 1, 1, 0, 0, 0, 1], [0, 0, 0, 1, 0, 0, 0], [0, 0, 0, 0, 1, 0, 0], [0, 0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0]],
      ops: ['input', 'conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3', 'conv3x3-bn-relu', 'conv1x1-bn-relu', 'output'],
    }
    const tokens = nb101Space.mutationTokens(JSON.stringify(full)) as string[]
    expect(tokens.length).toBe(26)
    // Row 0 of the triangle: 0->1 .. 0->6.
    expect(tokens.slice(0, 6)).toEqual(['1', '1', '0', '0', '0', '1'])
    expect(tokens.slice(21)).toEqual(['conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3', 'conv3x3-bn-relu', 'conv1x1-bn-relu'])
    const flipped = { ...full, matrix: full.matrix.map((row, i) => (i === 1 ? [0, 0, 0, 1, 1, 0, 0] : row)) }
    expect(distance(tokens, nb101Space.mutationTokens(JSON.stringify(flipped)) as string[])).toBe(1)
    const opChanged = { ...full, ops: full.ops.map((op, i) => (i === 3 ? 'conv3x3-bn-relu' : op)) }
    expect(distance(tokens, nb101Space.mutationTokens(JSON.stringify(opChanged)) as string[])).toBe(1)
    // A 3-vertex spec: its output goes to vertex 6, the missing vertices are NASLib's padding (conv3x3, unconnected).
    const small = nb101Space.mutationTokens('{"matrix": [[0, 1, 1], [0, 0, 1], [0, 0, 0]], "ops": ["input", "maxpool3x3", "output"]}') as string[]
    expect(small.slice(0, 6)).toEqual(['1', '0', '0', '0', '0', '1'])
    expect(small.slice(6, 11)).toEqual(['0', '0', '0', '0', '1'])
    expect(small.slice(21)).toEqual(['maxpool3x3', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu'])
  })

  test("NB-NLP: one token per node in name order after the hyper-parameters; NASLib's op change and edge move are one token each", () => {
    const recepie = {
      h_new_0: { op: 'activation_leaky_relu', input: ['node_2'] },
      h_new_1: { op: 'activation_sigm', input: ['node_4'] },
      node_2: { op: 'linear', input: ['x', 'h_prev_1'] },
      node_4: { op: 'linear', input: ['h_prev_0', 'h_prev_1', 'h_new_0'] },
    }
    const tokens = nbnlpSpace.mutationTokens(JSON.stringify(recepie)) as string[]
    expect(tokens).toEqual(['400/600/3/true/uniform-pos-1', 'h_new_0=activation_leaky_relu(node_2)', 'h_new_1=activation_sigm(node_4)', 'node_2=linear(x,h_prev_1)', 'node_4=linear(h_prev_0,h_prev_1,h_new_0)'])
    const opChanged = { ...recepie, h_new_1: { op: 'activation_tanh', input: ['node_4'] } }
    expect(distance(tokens, nbnlpSpace.mutationTokens(JSON.stringify(opChanged)) as string[])).toBe(1)
    const edgeMoved = { ...recepie, h_new_1: { op: 'activation_sigm', input: ['node_2'] } }
    expect(distance(tokens, nbnlpSpace.mutationTokens(JSON.stringify(edgeMoved)) as string[])).toBe(1)
    // Two archs that differ only in the embedding's initialisation (paper Table 10) are one token apart.
    const otherEmbedding = nbnlpSpace.mutationTokens(JSON.stringify({ emsize: 400, nhid: 600, nlayers: 3, tied: true, embedding: 'normal-1', recepie })) as string[]
    expect(distance(tokens, otherEmbedding)).toBe(1)
  })

  test('an imported space has no structure: no tokens, and a mutation is a uniform draw among the other archs', () => {
    const ids = ['a', 'b', 'c', 'd']
    const space = onnxSearchSpace(
      { format: 1, name: 'tiny', kind: 'onnx', source: '/nowhere', importedAt: '2026-01-01T00:00:00Z', inputShape: [3, 32, 32], allowFoldedBn: false, archs: ids.map((id) => ({ id, sha256: id.repeat(64), bytes: 1 })), warnings: [] } as Parameters<typeof onnxSearchSpace>[0],
      '/nowhere',
    )
    expect(space.mutationTokens('b')).toBeNull()
    const mutate = mutationOver(ids, null)
    const rng = new SeededRandom(7)
    const counts = [0, 0, 0, 0]
    for (let k = 0; k < 3000; k++) counts[mutate(1, rng)] += 1
    expect(counts[1]).toBe(0)
    for (const i of [0, 2, 3]) expect(Math.abs(counts[i] - 1000)).toBeLessThan(100)
    expect(mutationOver(['only'], null)(0, rng)).toBe(0)
  })

  test('with tokens, a mutation is a uniform pick among the nearest archs, drawn with one nextInt (the committed NB201 runs unchanged)', () => {
    const archs = ['aaa', 'aab', 'aba', 'bbb']
    const mutate = mutationOver(archs, (arch) => [...arch])
    // Neighbours in position, then token order: 'aba' (position 1) before 'aab' (position 2).
    const a = new SeededRandom(3)
    const b = new SeededRandom(3)
    for (let k = 0; k < 50; k++) expect(mutate(0, a)).toBe([2, 1][b.nextInt(2)])
  })

  test("NB101 draws NASLib's mutation: valid pruned specs, seeded; with no edge flipped, each of the 5 ops changes with probability 1/3", () => {
    const parent = nb101Space.normalize(JSON.stringify({
      matrix: [[0, 1, 1, 0, 0, 0, 1], [0, 0, 0, 1, 0, 0, 0], [0, 0, 0, 0, 1, 0, 0], [0, 0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0]],
      ops: ['input', 'conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3', 'conv3x3-bn-relu', 'conv1x1-bn-relu', 'output'],
    }))
    const draws = (seed: number, count: number): string[] => {
      const rng = new SeededRandom(seed)
      return Array.from({ length: count }, () => nb101Space.mutate(parent, rng) as string)
    }
    expect(draws(5, 20)).toEqual(draws(5, 20))
    const children = draws(11, 4000)
    for (const child of children.slice(0, 200)) expect(nb101Space.normalize(child)).toBe(child)
    const parentSpec = JSON.parse(parent) as { matrix: number[][]; ops: string[] }
    const sameMatrix = children.map((child) => JSON.parse(child) as { matrix: number[][]; ops: string[] }).filter((child) => JSON.stringify(child.matrix) === JSON.stringify(parentSpec.matrix))
    expect(sameMatrix.length).toBeGreaterThan(50)
    const changedOps = sameMatrix.map((child) => child.ops.filter((op, v) => op !== parentSpec.ops[v]).length)
    const mean = changedOps.reduce((a, b) => a + b, 0) / changedOps.length
    expect(Math.abs(mean - 5 / 3)).toBeLessThan(0.35)
    // Several tokens at once, often: NASLib's rates, not one-token steps.
    const parentTokens = nb101Space.mutationTokens(parent) as string[]
    const far = children.filter((child) => distance(parentTokens, nb101Space.mutationTokens(child) as string[]) >= 2).length
    expect(far / children.length).toBeGreaterThan(0.3)
  })

  test('a drawn mutation: the child where it is installed (by identity), else a uniform pick among the installed archs nearest the child', () => {
    const archs = ['aa', 'ab', 'bb', 'cc']
    const identity = (arch: string): string => arch.toLowerCase()
    const tokens = (arch: string): string[] => [...arch.toLowerCase()]
    // Parent 0 draws 'AB' (installed as 'ab' by identity); parent 3 draws 'ca', not installed: nearest are 'aa' (distance 1) and 'cc' (1).
    const draw = (arch: string): string => (arch === 'aa' ? 'AB' : arch === 'cc' ? 'ca' : arch)
    const mutate = drawnMutation(archs, draw, tokens, identity)
    const rng = new SeededRandom(1)
    expect(mutate(0, rng)).toBe(1)
    // The parent's own module drawn again is trained again, as in the reference.
    expect(mutate(2, rng)).toBe(2)
    const picks = new Set(Array.from({ length: 40 }, () => mutate(3, rng)))
    expect([...picks].sort()).toEqual([0, 3])
  })
})

