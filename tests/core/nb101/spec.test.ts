import { describe, expect, test } from 'vitest'
import {
  NB101_OPS,
  edgeCount,
  formatNb101Spec,
  normalizeNb101Arch,
  parseNb101Spec,
  type Nb101Spec,
} from '../../../src/main/core/spaces/nb101/index.ts'
import { EpsinasError } from '../../../src/shared/errors.ts'
import { DIRECT, FIRST_RECORD, INCEPTION, text, thrown } from './fixtures.ts'

/** Asserts `input` is rejected by both entry points with BAD_ARCH and exactly `what`. */
function expectBadSpec(input: unknown, what: string): void {
  for (const parse of [parseNb101Spec, (x: unknown) => normalizeNb101Arch(x as string)]) {
    const error = thrown(() => parse(input))
    expect(error).toBeInstanceOf(EpsinasError)
    expect((error as EpsinasError).code).toBe('BAD_ARCH')
    expect((error as EpsinasError).message).toBe(`invalid NAS-Bench-101 spec: ${what}`)
  }
}

/** A spec over labels a, b, c... as the official model_spec_test writes them, with our op names. */
function spec(matrix: number[][], inner: number): string {
  const ops = matrix.map((_, i) => (i === 0 ? 'input' : i === matrix.length - 1 ? 'output' : NB101_OPS[(i + inner) % 3]))
  return JSON.stringify({ matrix, ops })
}

describe('parseNb101Spec / normalizeNb101Arch', () => {
  describe('should prune as the official ModelSpec does (cases of nasbench tests/model_spec_test.py)', () => {
    test('graphs that need no pruning stay as they are', () => {
      for (const matrix of [
        [[0, 1, 0], [0, 0, 1], [0, 0, 0]],
        [[0, 1, 1], [0, 0, 1], [0, 0, 0]],
        [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]],
      ]) {
        expect(parseNb101Spec(spec(matrix, 0)).matrix).toEqual(matrix)
      }
    })

    test('islands (vertices cut off from the input and the output) are removed, keeping vertex order', () => {
      const islands = parseNb101Spec(spec([[0, 1, 0, 0, 0], [0, 0, 0, 0, 1], [0, 0, 0, 1, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]], 0))
      expect(islands.matrix).toEqual([[0, 1, 0], [0, 0, 1], [0, 0, 0]])
      expect(islands.ops).toEqual(['input', NB101_OPS[1], 'output'])
    })

    test('dangling vertices (no path to the output, or none from the input) are removed', () => {
      const toNowhere = parseNb101Spec(spec([[0, 1, 1, 0], [0, 0, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0]], 0))
      expect(toNowhere.matrix).toEqual([[0, 1, 0], [0, 0, 1], [0, 0, 0]])
      expect(toNowhere.ops).toEqual(['input', NB101_OPS[2], 'output'])
      const fromNowhere = parseNb101Spec(spec([[0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]], 0))
      expect(fromNowhere.matrix).toEqual([[0, 1, 0], [0, 0, 1], [0, 0, 0]])
      expect(fromNowhere.ops).toEqual(['input', NB101_OPS[2], 'output'])
    })

    test('a spec whose input does not reach its output is invalid, saying so', () => {
      expectBadSpec(spec([[0, 0], [0, 0]], 0), 'the input is not connected to the output (no path from vertex 0 to vertex 1)')
      expectBadSpec(spec([[0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0]], 0), 'the input is not connected to the output (no path from vertex 0 to vertex 3)')
      expectBadSpec(spec([[0, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0]], 0), 'the input is not connected to the output (no path from vertex 0 to vertex 3)')
    })

    test('more than 9 edges is invalid only after pruning (the official check runs on the pruned spec)', () => {
      // 10 edges, but vertex 5 reaches nothing: pruning drops it and its 2 edges, leaving 8.
      const prunable = [
        [0, 1, 1, 1, 1, 1, 0],
        [0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0],
      ]
      prunable[4][5] = 1
      expect(edgeCount({ matrix: prunable, ops: [] })).toBe(10)
      expect(edgeCount(parseNb101Spec(spec(prunable, 0)))).toBe(8)
      const dense = prunable.map((row) => [...row])
      dense[5][6] = 1
      dense[4][5] = 0
      dense[1][2] = 1
      expect(edgeCount({ matrix: dense, ops: [] })).toBe(11)
      expectBadSpec(spec(dense, 0), '11 edges after pruning; NAS-Bench-101 allows at most 9')
    })
  })

  describe('should reject malformed input with BAD_ARCH, saying what is wrong and where', () => {
    test('text that is not JSON, an empty line, or a module hash', () => {
      expectBadSpec('', 'empty text (expected {"matrix": [[...]], "ops": [...]})')
      expect(thrown(() => parseNb101Spec('{"matrix": [[0,1],[0,0]], "ops": ["input","output"]'))).toMatchObject({ code: 'BAD_ARCH', message: expect.stringMatching(/^invalid NAS-Bench-101 spec: not valid JSON \(.*\); expected \{"matrix"/) })
      expectBadSpec('28cfc7874f6d200472e1a9dcd8650aa0', '28cfc7874f6d200472e1a9dcd8650aa0 looks like a module hash; hashes resolve to specs only with the benchmark data installed (arriving with the data issue), so give the spec as {"matrix": [[...]], "ops": [...]}')
    })

    test('the wrong JSON shape: not an object, a missing or an unknown key', () => {
      expectBadSpec('[[0,1],[0,0]]', 'expected a JSON object {"matrix": [[...]], "ops": [...]}')
      expectBadSpec('{"ops": ["input", "output"]}', 'missing "matrix"')
      expectBadSpec('{"matrix": [[0,1],[0,0]]}', 'missing "ops"')
      expectBadSpec('{"matrix": [[0,1],[0,0]], "ops": ["input", "output"], "hash": "x"}', 'unknown key "hash" (a spec has exactly "matrix" and "ops")')
    })

    test('a matrix that is not square, has the wrong size, or non-0/1 entries', () => {
      expectBadSpec('{"matrix": [[0,1],[0]], "ops": ["input", "output"]}', 'the matrix must be square: row 1 has 1 entries, expected 2')
      expectBadSpec('{"matrix": [[0]], "ops": ["input"]}', 'the matrix has 1 rows; a spec has 2 to 7 vertices')
      const eight = Array.from({ length: 8 }, () => new Array<number>(8).fill(0))
      expectBadSpec(JSON.stringify({ matrix: eight, ops: [] }), 'the matrix has 8 rows; a spec has 2 to 7 vertices')
      expectBadSpec('{"matrix": [[0,2],[0,0]], "ops": ["input", "output"]}', 'matrix[0][1] is 2; entries must be 0 or 1')
      expectBadSpec('{"matrix": [[0,true],[0,0]], "ops": ["input", "output"]}', 'matrix[0][1] is true; entries must be 0 or 1')
      expectBadSpec('{"matrix": "0110", "ops": ["input", "output"]}', '"matrix" must be an array of rows')
      expectBadSpec('{"matrix": [[0,1],5], "ops": ["input", "output"]}', 'matrix row 1 is not an array')
    })

    test('an edge on or below the diagonal, naming the entry', () => {
      expectBadSpec('{"matrix": [[0,1,0],[0,0,1],[0,1,0]], "ops": ["input", "maxpool3x3", "output"]}', 'matrix[2][1] is 1: the matrix must be upper triangular (edges go from a vertex to a later one)')
      expectBadSpec('{"matrix": [[1,1],[0,0]], "ops": ["input", "output"]}', 'matrix[0][0] is 1: the matrix must be upper triangular (edges go from a vertex to a later one)')
    })

    test('ops of the wrong length, misplaced input/output, or unknown labels (also on vertices pruning would drop)', () => {
      expectBadSpec('{"matrix": [[0,1],[0,0]], "ops": ["input"]}', '"ops" has 1 labels for a 2-vertex matrix')
      expectBadSpec('{"matrix": [[0,1],[0,0]], "ops": ["output", "input"]}', `ops[0] is "output"; the first vertex must be 'input'`)
      expectBadSpec('{"matrix": [[0,1,0],[0,0,1],[0,0,0]], "ops": ["input", "conv3x3-bn-relu", "maxpool3x3"]}', `ops[2] is "maxpool3x3"; the last vertex must be 'output'`)
      expectBadSpec('{"matrix": [[0,1,0],[0,0,1],[0,0,0]], "ops": ["input", "conv5x5", "output"]}', `ops[1] is "conv5x5"; expected one of ${NB101_OPS.join(', ')}`)
      expectBadSpec('{"matrix": [[0,0,1],[0,0,0],[0,0,0]], "ops": ["input", "CONV3X3-BN-RELU", "output"]}', `ops[1] is "CONV3X3-BN-RELU"; expected one of ${NB101_OPS.join(', ')}`)
      expectBadSpec('{"matrix": [[0,1],[0,0]], "ops": "input,output"}', '"ops" must be an array of labels')
    })
  })

  describe('should write one normal form', () => {
    test('compact JSON of the pruned spec, matrix then ops, whatever the spacing or key order given', () => {
      const messy = `  {"ops": ${JSON.stringify(INCEPTION.ops)},\n "matrix": ${JSON.stringify(INCEPTION.matrix, null, 2)}}  `
      expect(normalizeNb101Arch(messy)).toBe(text(INCEPTION))
      expect(normalizeNb101Arch(text(DIRECT))).toBe('{"matrix":[[0,1],[0,0]],"ops":["input","output"]}')
    })

    test('idempotent, and a parsed spec formats back to the same text', () => {
      for (const s of [INCEPTION, FIRST_RECORD, DIRECT]) {
        const once = normalizeNb101Arch(text(s))
        expect(normalizeNb101Arch(once)).toBe(once)
        expect(formatNb101Spec(parseNb101Spec(once))).toBe(once)
      }
    })

    test('pruning is visible in the normal form (the unpruned and pruned spec are one arch)', () => {
      const withDeadVertex: Nb101Spec = {
        matrix: [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0]],
        ops: ['input', 'conv1x1-bn-relu', 'maxpool3x3', 'output'],
      }
      expect(normalizeNb101Arch(text(withDeadVertex))).toBe('{"matrix":[[0,1,0],[0,0,1],[0,0,0]],"ops":["input","conv1x1-bn-relu","output"]}')
    })
  })
})
