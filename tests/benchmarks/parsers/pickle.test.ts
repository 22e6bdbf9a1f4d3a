import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  NdArray,
  PickleFormatError,
  PickleRefused,
  PyDict,
  PySet,
  PyTuple,
  unpickle,
  unpickleAll,
  type PyValue,
} from '../../../src/main/benchmarks/parsers/pickle/index.ts'
import { bunzip2 } from '../../../src/main/benchmarks/archive/bz2.ts'
import { FIXTURES } from './helpers.ts'

const dir = join(FIXTURES, 'pickles')
const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<string, unknown>

/** The value in the JSON form expected.json uses (tagged where JSON has no such type). */
function toJson(value: PyValue): unknown {
  if (typeof value === 'bigint') return { bigint: value.toString() }
  if (typeof value === 'number' && !Number.isFinite(value)) return value > 0 ? 'inf' : '-inf'
  if (Buffer.isBuffer(value)) return { hex: value.toString('hex') }
  if (Array.isArray(value)) return value.map(toJson)
  if (value instanceof NdArray) {
    return value.dtype.code === 'f8'
      ? { shape: value.shape, dtype: 'f8', values: Array.from(new Float64Array(value.data.buffer.slice(value.data.byteOffset, value.data.byteOffset + value.data.length))) }
      : { shape: value.shape, dtype: value.dtype.code, hex: value.data.toString('hex') }
  }
  return value
}

describe('unpickle', () => {
  describe.each([0, 1, 2, 3, 4, 5])('reads what Python wrote with protocol %i', (protocol) => {
    const value = unpickle(readFileSync(join(dir, `value-p${protocol}.pkl`))).value
    test('to an ordered dict', () => {
      expect(value).toBeInstanceOf(PyDict)
      expect([...(value as PyDict).items()].map(([k]) => k)).toEqual(['ints', 'floats', 'text', 'bytes', 'nested', 'set', 'frozen', 'f8', 'f4', 'i8', 'u1array', 'f8array'])
    })
    test.each(Object.keys(expected))('field %s', (key) => {
      expect(toJson((value as PyDict).get(key) ?? null)).toEqual(expected[key])
    })
    test('tuple keys are looked up by value', () => {
      const nested = (value as PyDict).get('nested') as PyDict
      expect(nested.get(new PyTuple(['cifar10', 777]))).toEqual([true, false, null])
      expect(nested.get('k')).toBeInstanceOf(PyTuple)
    })
    test('sets and frozensets', () => {
      expect((value as PyDict).get('set')).toEqual(new PySet([3], false))
      expect((value as PyDict).get('frozen')).toEqual(new PySet([4], true))
    })
  })

  test('reads concatenated pickles one after the other', () => {
    expect(unpickleAll(readFileSync(join(dir, 'concatenated.pkl'))).map(toJson)).toEqual([expect.any(PyDict), [2, 3]])
  })

  describe('refuses globals outside the allow-list without running them', () => {
    const marker = '/tmp/epsinas-pickle-was-executed'
    test.each(['os-system', 'eval'])('%s', (name) => {
      const bytes = bunzip2(readFileSync(join(FIXTURES, 'nats', 'synthetic', `${name}.pickle.pbz2`)), 1 << 20)
      expect(() => unpickle(bytes)).toThrow(PickleRefused)
      expect(() => unpickle(bytes)).toThrow(/global (os\.system|builtins\.eval) is not allowed.*pickle opcode at byte \d+/)
      expect(existsSync(marker)).toBe(false)
    })
    test.each([
      ['persistent ids', Buffer.from('\x80\x02X\x01\x00\x00\x00aQ.', 'latin1'), /persistent ids/],
      ['extension codes', Buffer.from('\x80\x02\x82\x01.', 'latin1'), /extension registry/],
      ['INST', Buffer.from('(ios\nsystem\n.', 'latin1'), /INST\/OBJ/],
      ['calling an allowed class that is not callable', Buffer.from('\x80\x02cnumpy\nndarray\n)R.', 'latin1'), /calling numpy\.ndarray is not allowed/],
      ['BUILD on a plain dict', Buffer.from('\x80\x02}}b.', 'latin1'), /BUILD/],
    ])('%s', (_name, bytes, pattern) => {
      expect(() => unpickle(bytes)).toThrow(pattern)
    })
  })

  describe('reports malformed streams with the opcode offset', () => {
    test.each([
      ['a truncated stream', readFileSync(join(dir, 'value-p4.pkl')).subarray(0, 500), /truncated/],
      ['an unknown opcode', Buffer.from('\x80\x04\xff.', 'latin1'), /unknown opcode 0xff \(pickle opcode at byte 2\)/],
      ['a memo entry used before it is stored', Buffer.from('\x80\x02h\x05.', 'latin1'), /memo entry 5/],
      ['a length past the end', Buffer.from('\x80\x03B\xff\xff\x00\x00.', 'latin1'), /runs past the end/],
      ['an unbalanced stack at STOP', Buffer.from('\x80\x02NN.', 'latin1'), /unbalanced/],
    ])('%s', (_name, bytes, pattern) => {
      expect(() => unpickle(bytes)).toThrow(PickleFormatError)
      expect(() => unpickle(bytes)).toThrow(pattern)
    })
  })
})
