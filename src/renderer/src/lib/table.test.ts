import { describe, expect, test } from 'vitest'
import { csvCell, toCsv } from './export.ts'
import { formatBytes, formatPair, formatScore, formatStat } from './format.ts'
import { filterRows, sortRows, type Column } from './table.ts'

interface Row {
  arch: string
  epsilon: number | null
}

const COLUMNS: Column<Row>[] = [
  { key: 'arch', label: 'arch', format: (r) => r.arch, sortValue: (r) => r.arch },
  { key: 'epsilon', label: 'epsilon', format: (r) => String(r.epsilon), sortValue: (r) => r.epsilon },
]
const ROWS: Row[] = [
  { arch: 'b', epsilon: 0.2 },
  { arch: 'a', epsilon: null },
  { arch: 'c', epsilon: 0.1 },
]

describe('sortRows', () => {
  test('should sort numbers either way with NaN scores (null) last both times', () => {
    expect(sortRows(ROWS, COLUMNS, { key: 'epsilon', descending: false }).map((r) => r.arch)).toEqual(['c', 'b', 'a'])
    expect(sortRows(ROWS, COLUMNS, { key: 'epsilon', descending: true }).map((r) => r.arch)).toEqual(['b', 'c', 'a'])
  })
  test('should sort 15,625 rows quickly', () => {
    const many = Array.from({ length: 15_625 }, (_, i) => ({ arch: `arch-${i}`, epsilon: i % 7 === 0 ? null : Math.sin(i) }))
    const started = performance.now()
    const sorted = sortRows(many, COLUMNS, { key: 'epsilon', descending: true })
    expect(performance.now() - started).toBeLessThan(200)
    expect(sorted.at(-1)?.epsilon).toBeNull()
  })
})

describe('filterRows', () => {
  test('should keep rows matching every term, case-insensitively', () => {
    const archs = [{ arch: '|nor_conv_3x3~0|+|none~0|' }, { arch: '|skip_connect~0|+|none~0|' }]
    expect(filterRows(archs, (r) => r.arch, 'NONE~0 conv').map((r) => r.arch)).toEqual(['|nor_conv_3x3~0|+|none~0|'])
    expect(filterRows(archs, (r) => r.arch, '  ')).toHaveLength(2)
  })
})

describe('CSV export', () => {
  test('should quote cells with commas, quotes or line breaks and leave NaN (null) empty', () => {
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell(null)).toBe('')
    expect(toCsv(['arch', 'epsilon'], [['|x~0|', 0.5], ['|y~0|', null]])).toBe('arch,epsilon\r\n|x~0|,0.5\r\n|y~0|,\r\n')
  })
})

describe('formatting', () => {
  test('should print sizes, scores, statistics and weight pairs for people', () => {
    expect(formatBytes(1_330_000_000)).toBe('1.33 GB')
    expect(formatScore(null)).toBe('NaN')
    expect(formatScore(0.123456)).toBe('0.1235')
    expect(formatStat(null)).toBe('n/a')
    expect(formatPair([1e-7, 1])).toBe('[1e-7, 1]')
  })
})
