import { describe, expect, test } from 'vitest'
import {
  NB201_OPS,
  NB201_SIZE,
  enumerateNb201,
  formatNb201Arch,
  nb201ArchAt,
  nb201ArchFromOpIndices,
  normalizeNb201Arch,
  parseNb201Arch,
} from '../../../src/main/core/spaces/nb201/index.ts'
import { EpsinasError } from '../../../src/shared/errors.ts'

const ALL_NONE = '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|'
const ALL_POOL = '|avg_pool_3x3~0|+|avg_pool_3x3~0|avg_pool_3x3~1|+|avg_pool_3x3~0|avg_pool_3x3~1|avg_pool_3x3~2|'
const MIXED = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|'

/** The error `fn` throws (fails the test when it does not throw). */
function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected an error, none was thrown')
}

/** Asserts `arch` is rejected by both entry points with BAD_ARCH and a message naming the string, the place and the problem. */
function expectBadArch(arch: string, where: string, what: string): void {
  for (const parse of [parseNb201Arch, normalizeNb201Arch]) {
    const error = thrown(() => parse(arch))
    expect(error).toBeInstanceOf(EpsinasError)
    const e = error as EpsinasError
    expect(e.code).toBe('BAD_ARCH')
    expect(e.message).toBe(`malformed NAS-Bench-201 arch string ${JSON.stringify(arch)}: ${where}: ${what}`)
  }
}

const EXPECTED_OPS = `(expected one of ${NB201_OPS.join(', ')})`

describe('parseNb201Arch / normalizeNb201Arch', () => {
  describe('should reject with BAD_ARCH, saying what is wrong and where', () => {
    test.each(['', '   ', '\t\n'])('an empty or blank string (%j)', (arch) => {
      expectBadArch(arch, 'whole string', 'empty')
    })

    test('a first node group without its pipes', () => {
      expectBadArch('nor_conv_3x3~0+|none~0|none~1|+|none~0|none~1|none~2|', 'node 1 ("nor_conv_3x3~0")', "each node group must start and end with '|'")
    })

    test('a middle node group missing its pipes next to the +', () => {
      expectBadArch('|none~0|+none~0|none~1+|none~0|none~1|none~2|', 'node 2 ("none~0|none~1")', "each node group must start and end with '|'")
    })

    test('whitespace around a +, naming the group it sticks to', () => {
      expectBadArch('|none~0| + |none~0|none~1|+|none~0|none~1|none~2|', 'node 1 ("|none~0| ")', "each node group must start and end with '|'")
    })

    test('an unknown op, with its name, node and edge position', () => {
      expectBadArch('|conv_5x5~0|+|none~0|none~1|+|none~0|none~1|none~2|', 'node 1, edge 1 ("conv_5x5~0")', `unknown op 'conv_5x5' ${EXPECTED_OPS}`)
      expectBadArch('|none~0|+|none~0|none~1|+|none~0|max_pool~1|none~2|', 'node 3, edge 2 ("max_pool~1")', `unknown op 'max_pool' ${EXPECTED_OPS}`)
    })

    test('ops are case- and space-sensitive', () => {
      expectBadArch('|NONE~0|+|none~0|none~1|+|none~0|none~1|none~2|', 'node 1, edge 1 ("NONE~0")', `unknown op 'NONE' ${EXPECTED_OPS}`)
      expectBadArch('| none~0|+|none~0|none~1|+|none~0|none~1|none~2|', 'node 1, edge 1 (" none~0")', `unknown op ' none' ${EXPECTED_OPS}`)
    })

    test('too few or too many node groups', () => {
      expectBadArch('|none~0|+|none~0|none~1|', 'whole string', "expected 3 node groups separated by '+', found 2")
      expectBadArch(`${ALL_NONE}+|none~0|`, 'whole string', "expected 3 node groups separated by '+', found 4")
      expectBadArch('|none~0|', 'whole string', "expected 3 node groups separated by '+', found 1")
    })

    test('a node with the wrong number of incoming edges', () => {
      expectBadArch('|none~0|none~1|+|none~0|none~1|+|none~0|none~1|none~2|', 'node 1', 'expected 1 incoming edge(s), found 2')
      expectBadArch('|none~0|+|none~0|+|none~0|none~1|none~2|', 'node 2', 'expected 2 incoming edge(s), found 1')
      expectBadArch('|none~0|+|none~0|none~1|+|none~0|none~1|', 'node 3', 'expected 3 incoming edge(s), found 2')
    })

    test('a wrong ~from index, out of order or not a number', () => {
      expectBadArch('|none~1|+|none~0|none~1|+|none~0|none~1|none~2|', 'node 1, edge 1 ("none~1")', "input must be 0 (edges list inputs 0..0 in order), found '1'")
      expectBadArch('|none~0|+|none~0|none~1|+|none~0|none~2|none~1|', 'node 3, edge 2 ("none~2")', "input must be 1 (edges list inputs 0..2 in order), found '2'")
      expectBadArch('|none~0|+|none~0|none~1|+|none~0|none~1|none~x|', 'node 3, edge 3 ("none~x")', "input must be 2 (edges list inputs 0..2 in order), found 'x'")
      expectBadArch('|none~0|+|none~0|none~-1|+|none~0|none~1|none~2|', 'node 2, edge 2 ("none~-1")', "input must be 1 (edges list inputs 0..1 in order), found '-1'")
    })

    test('an edge without exactly one ~', () => {
      expectBadArch('|none~0|+|none~0|none~1|+|none~0|none~1|none|', 'node 3, edge 3 ("none")', "expected 'op~input'")
      expectBadArch('|none~0|+|none~0|none~1|+|none~0|none~1|none~2~3|', 'node 3, edge 3 ("none~2~3")', "expected 'op~input'")
    })
  })

  test('should accept surrounding whitespace and normalise it away', () => {
    expect(normalizeNb201Arch(`  ${MIXED}\n`)).toBe(MIXED)
  })

  test('should parse edges in arch-string order with their source nodes', () => {
    const cell = parseNb201Arch(MIXED)
    expect(cell.nodes.map((edges) => edges.map((e) => `${e.op}<-${e.from}`))).toEqual([
      ['nor_conv_3x3<-0'],
      ['nor_conv_3x3<-0', 'avg_pool_3x3<-1'],
      ['skip_connect<-0', 'nor_conv_3x3<-1', 'skip_connect<-2'],
    ])
  })
})

describe('the enumeration of the space', () => {
  const all = enumerateNb201()

  test('should yield 15,625 distinct, well-formed strings', () => {
    expect(NB201_SIZE).toBe(15_625)
    expect(all.length).toBe(15_625)
    expect(new Set(all).size).toBe(15_625)
  })

  test('should round-trip every arch: format(parse(x)) === x and normalize(x) === x', () => {
    for (const arch of all) {
      expect(formatNb201Arch(parseNb201Arch(arch))).toBe(arch)
      expect(normalizeNb201Arch(arch)).toBe(arch)
    }
  })

  test('should order archs in base 5 over the edges (1<-0), (2<-0), (2<-1), (3<-0), (3<-1), (3<-2), last edge fastest', () => {
    expect(nb201ArchAt(0)).toBe(ALL_NONE)
    expect(nb201ArchAt(15_624)).toBe(ALL_POOL)
    expect(nb201ArchAt(1)).toBe('|none~0|+|none~0|none~1|+|none~0|none~1|skip_connect~2|')
    expect(nb201ArchAt(5)).toBe('|none~0|+|none~0|none~1|+|none~0|skip_connect~1|none~2|')
    expect(nb201ArchAt(3_125)).toBe('|skip_connect~0|+|none~0|none~1|+|none~0|none~1|none~2|')
    expect(all[7_777]).toBe(nb201ArchAt(7_777))
    // 7777 = 2*3125 + 2*625 + 2*125 + 1*25 + 0*5 + 2
    expect(nb201ArchAt(7_777)).toBe(nb201ArchFromOpIndices([2, 2, 2, 1, 0, 2]))
  })

  test('should reject an index outside 0..15624 with BAD_ARGUMENT', () => {
    for (const index of [-1, 15_625, 1.5, Number.NaN]) {
      const error = thrown(() => nb201ArchAt(index)) as EpsinasError
      expect(error).toBeInstanceOf(EpsinasError)
      expect(error.code).toBe('BAD_ARGUMENT')
      expect(error.message).toBe(`NAS-Bench-201 enumeration index must be in 0..15624, got ${index}`)
    }
  })

  test('should reject op indices that are not six integers in 0..4 with BAD_ARCH', () => {
    for (const indices of [[0, 1], [0, 1, 2, 3, 4, 5], [0, 0, 0, 0, 0, 1.5]]) {
      const error = thrown(() => nb201ArchFromOpIndices(indices)) as EpsinasError
      expect(error).toBeInstanceOf(EpsinasError)
      expect(error.code).toBe('BAD_ARCH')
      expect(error.message).toBe(`expected 6 op indices in 0..4, got [${indices.join(', ')}]`)
    }
  })
})
