import { describe, expect, test } from 'vitest'
import { EpsinasError } from '../../../src/shared/errors.ts'
import { formatRecepie, normalizeNbnlpArch, parseNbnlpArch, parseRecepie, randomRecepie, sampleRecepies } from '../../../src/main/core/spaces/nbnlp/index.ts'
import { GRU, LSTM, RNN } from './fixtures.ts'

function rejection(source: unknown): string {
  try {
    parseRecepie(source)
  } catch (error) {
    expect(error).toBeInstanceOf(EpsinasError)
    expect((error as EpsinasError).code).toBe('BAD_ARCH')
    return (error as Error).message
  }
  throw new Error('expected the recepie to be rejected')
}

describe('parseRecepie', () => {
  test('should accept the benchmark example cells (rnn, lstm, gru) and order nodes inputs-first', () => {
    for (const cell of [RNN, LSTM, GRU]) {
      const recepie = parseRecepie(cell)
      const seen = new Set(['x', 'h_prev_0', 'h_prev_1'])
      for (const node of recepie.nodes) {
        for (const input of node.inputs) expect(seen.has(input), `${node.name} reads ${input} before it is computed`).toBe(true)
        seen.add(node.name)
      }
      expect(recepie.nodes).toHaveLength(Object.keys(cell).length)
    }
    expect(parseRecepie(LSTM).hiddenTupleSize).toBe(2)
    expect(parseRecepie(GRU).hiddenTupleSize).toBe(1)
  })

  test('should accept JSON text, as training logs store it', () => {
    expect(formatRecepie(parseRecepie(JSON.stringify(LSTM)))).toEqual(formatRecepie(parseRecepie(LSTM)))
  })

  test('should reject a cycle and name the nodes on it', () => {
    const message = rejection({
      a: { op: 'linear', input: ['x', 'b'] },
      b: { op: 'activation_tanh', input: ['a'] },
      h_new_0: { op: 'activation_sigm', input: ['b'] },
    })
    expect(message).toMatch(/cycle/)
    expect(message).toMatch(/a -> b -> a|b -> a -> b/)
  })

  test('should reject a self-loop', () => {
    expect(rejection({ h_new_0: { op: 'linear', input: ['x', 'h_new_0'] } })).toMatch(/cycle.*h_new_0 -> h_new_0/)
  })

  test('should reject an unknown op and list the valid ones', () => {
    const message = rejection({ h_new_0: { op: 'activation_relu', input: ['x'] } })
    expect(message).toMatch(/node 'h_new_0' has unknown op "activation_relu"/)
    expect(message).toMatch(/activation_leaky_relu/)
  })

  test('should reject an input that is neither a node nor a cell input', () => {
    expect(rejection({ f: { op: 'linear', input: ['x', 'c_prev_0'] }, h_new_0: { op: 'activation_tanh', input: ['f'] } })).toMatch(
      /node 'f' reads 'c_prev_0', which is neither a node of the cell nor a cell input/,
    )
    expect(rejection({ f: { op: 'linear', input: ['x', 'g'] }, h_new_0: { op: 'activation_tanh', input: ['f'] } })).toMatch(/reads 'g'/)
  })

  test('should reject h_prev_k beyond the hidden states the cell writes', () => {
    expect(rejection({ f: { op: 'linear', input: ['x', 'h_prev_1'] }, h_new_0: { op: 'activation_tanh', input: ['f'] } })).toMatch(
      /reads h_prev_1, but the cell only carries h_prev_0 \.\. h_prev_0/,
    )
  })

  test('should reject wrong arity for every op kind', () => {
    expect(rejection({ h_new_0: { op: 'linear', input: [] } })).toMatch(/\(linear\) takes at least 1 input\(s\), got 0/)
    expect(rejection({ h_new_0: { op: 'blend', input: ['x', 'x'] } })).toMatch(/\(blend\) takes exactly 3/)
    expect(rejection({ h_new_0: { op: 'elementwise_sum', input: ['x', 'x', 'x'] } })).toMatch(/\(elementwise_sum\) takes exactly 2 input\(s\), got 3/)
    expect(rejection({ h_new_0: { op: 'elementwise_prod', input: ['x'] } })).toMatch(/exactly 2/)
    expect(rejection({ h_new_0: { op: 'activation_tanh', input: ['x', 'x'] } })).toMatch(/\(activation_tanh\) takes exactly 1/)
  })

  test('should reject missing outputs', () => {
    expect(rejection({ f: { op: 'linear', input: ['x'] } })).toMatch(/no output node h_new_0/)
    expect(rejection({ f: { op: 'linear', input: ['x'] }, h_new_1: { op: 'activation_tanh', input: ['f'] } })).toMatch(/missing output node h_new_0/)
  })

  test('should reject malformed JSON and malformed nodes', () => {
    expect(rejection('{"h_new_0": ')).toMatch(/not valid JSON/)
    expect(rejection([1, 2])).toMatch(/expected a JSON object/)
    expect(rejection({})).toMatch(/no nodes/)
    expect(rejection({ h_new_0: 'linear' })).toMatch(/node 'h_new_0' must be an object/)
    expect(rejection({ h_new_0: { op: 'linear', input: 'x' } })).toMatch(/"input": a list of node names/)
    expect(rejection({ h_new_0: { op: 'linear', input: ['x', 3] } })).toMatch(/"input": a list of node names/)
    expect(rejection({ x: { op: 'linear', input: ['h_prev_0'] }, h_new_0: { op: 'activation_tanh', input: ['x'] } })).toMatch(/node 'x' has the name of a cell input/)
  })
})

describe('parseNbnlpArch', () => {
  test('should default the hyper-parameters for a bare recepie', () => {
    const arch = parseNbnlpArch(JSON.stringify(LSTM))
    expect([arch.emsize, arch.nhid, arch.nlayers, arch.tied]).toEqual([400, 600, 3, true])
  })

  test('should read a training log: recepie as JSON text, hyper-parameters beside it, other members ignored', () => {
    const log = { recepie: JSON.stringify(GRU), emsize: 32, nhid: 48, nlayers: 2, tied: false, test_losses: [5.1], status: 'OK' }
    const arch = parseNbnlpArch(JSON.stringify(log))
    expect([arch.emsize, arch.nhid, arch.nlayers, arch.tied]).toEqual([32, 48, 2, false])
    expect(formatRecepie(arch.recepie)).toEqual(formatRecepie(parseRecepie(GRU)))
  })

  test('should reject bad hyper-parameters and a bad recepie inside a log', () => {
    expect(() => parseNbnlpArch({ recepie: JSON.stringify(RNN), nhid: 0 })).toThrow(/nhid must be an integer/)
    expect(() => parseNbnlpArch({ recepie: JSON.stringify(RNN), tied: 'yes' })).toThrow(/tied must be true or false/)
    expect(() => parseNbnlpArch({ recepie: '{"h_new_0": {"op": "conv", "input": ["x"]}}' })).toThrow(/unknown op "conv"/)
    expect(() => parseNbnlpArch('not json')).toThrow(/not valid JSON/)
  })

  test('should normalise key order and spacing to one cache key, keeping operand order', () => {
    const reordered = Object.fromEntries(Object.entries(LSTM).reverse())
    expect(normalizeNbnlpArch(JSON.stringify(reordered, null, 2))).toBe(normalizeNbnlpArch(JSON.stringify(LSTM)))
    const swapped = { ...GRU, h_new_0: { op: 'blend', input: ['z_act', 'h_tilde_act', 'h_prev_0'] } }
    expect(normalizeNbnlpArch(JSON.stringify(swapped))).not.toBe(normalizeNbnlpArch(JSON.stringify(GRU)))
  })
})

describe('random recepies', () => {
  test('should be valid, reproducible from the seed, and use x and every h_prev_k', () => {
    const a = sampleRecepies(40, 5)
    expect(sampleRecepies(40, 5)).toEqual(a)
    expect(new Set(a).size).toBe(40)
    for (const text of a) {
      const recepie = parseRecepie(text)
      const inputs = new Set(recepie.nodes.flatMap((n) => n.inputs))
      expect(inputs.has('x') && inputs.has('h_prev_0') && inputs.has('h_prev_1')).toBe(true)
      // The benchmark's constraint: no h_new_k reads an h_prev_k directly; x only feeds linear nodes.
      for (const node of recepie.nodes) {
        if (node.name.startsWith('h_new_')) expect(node.inputs.some((i) => i.startsWith('h_prev_'))).toBe(false)
        if (node.inputs.includes('x')) expect(node.op).toBe('linear')
      }
    }
    expect(randomRecepie(3)).toEqual(randomRecepie(3))
  })
})
