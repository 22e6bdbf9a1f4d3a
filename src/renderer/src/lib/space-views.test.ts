import { describe, expect, test } from 'vitest'
import { buildImportRequest, formatArchCount, formatImportedAt, formatInputShape, shortHash, suggestSpaceName } from './space-views.ts'

describe('formatInputShape', () => {
  test('should write channels x height x width', () => {
    expect(formatInputShape([3, 32, 32])).toBe('3×32×32')
    expect(formatInputShape([1, 28, 20])).toBe('1×28×20')
  })
  test('should say "text" for a space without an image input', () => {
    expect(formatInputShape(null)).toBe('text')
  })
})

describe('formatArchCount', () => {
  test('should group thousands and spell out an unbounded space', () => {
    expect(formatArchCount(6)).toBe('6')
    expect(formatArchCount(15_625)).toBe('15,625')
    expect(formatArchCount(null)).toBe('unbounded')
  })
})

describe('shortHash', () => {
  test('should keep the first 12 hex digits, enough to tell files apart at a glance', () => {
    expect(shortHash('0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef')).toBe('0123456789ab')
  })
})

describe('formatImportedAt', () => {
  test('should write the instant to the minute in UTC, the same on every machine', () => {
    expect(formatImportedAt('2026-12-06T19:40:12.345Z')).toBe('2026-12-06 19:40 UTC')
  })
  test('should show a value it cannot read as it is', () => {
    expect(formatImportedAt('yesterday')).toBe('yesterday')
  })
})

describe('suggestSpaceName', () => {
  test('should take the folder\'s last name, lower-cased, with other characters as dashes', () => {
    expect(suggestSpaceName('/home/me/exports/MobileNet_V2 tiny/')).toBe('mobilenet-v2-tiny')
    expect(suggestSpaceName('C:\\models\\Darts')).toBe('darts')
  })
  test('should drop a .onnx ending (a single file) and leading non-letters', () => {
    expect(suggestSpaceName('/tmp/2024-net.onnx')).toBe('net')
  })
  test('should stay within 32 characters and suggest nothing for a path without letters', () => {
    expect(suggestSpaceName(`/x/${'a'.repeat(40)}`)).toBe('a'.repeat(32))
    expect(suggestSpaceName('/123/')).toBe('')
    expect(suggestSpaceName('')).toBe('')
  })
})

describe('buildImportRequest', () => {
  test('should trim the name and path and pass allowFoldedBn only when set', () => {
    expect(buildImportRequest({ name: ' mine ', path: ' /tmp/models ', allowFoldedBn: false })).toEqual({ ok: true, request: { name: 'mine', path: '/tmp/models' } })
    expect(buildImportRequest({ name: 'mine', path: '/tmp/models', allowFoldedBn: true })).toEqual({ ok: true, request: { name: 'mine', path: '/tmp/models', allowFoldedBn: true } })
  })
  test('should say what is missing before anything is sent', () => {
    expect(buildImportRequest({ name: '', path: '/tmp/models', allowFoldedBn: false })).toEqual({ ok: false, reason: 'Name the space.' })
    expect(buildImportRequest({ name: 'mine', path: '  ', allowFoldedBn: false })).toEqual({ ok: false, reason: 'Give the folder of .onnx files (or one file) on this machine.' })
  })
})
