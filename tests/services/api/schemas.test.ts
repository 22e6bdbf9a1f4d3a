import { describe, expect, test } from 'vitest'
import { API_CHANNELS } from '../../../src/shared/api.ts'
import { SCHEMAS, formatIssues } from '../../../src/main/services/api/index.ts'

const config = { space: 'nb201', dataset: 'cifar10', input: 'grey', inputSeed: 0, batchSize: 4, weights: [1e-7, 1], engine: 'collapsed' }

function issuesOf(channel: keyof typeof SCHEMAS, raw: unknown): string {
  const checked = SCHEMAS[channel](raw)
  if (checked.ok) throw new Error(`expected issues for ${JSON.stringify(raw)}`)
  return formatIssues(checked.issues)
}

describe('SCHEMAS', () => {
  test('should name every channel of the contract', () => {
    expect(Object.keys(SCHEMAS).sort()).toEqual([...API_CHANNELS].sort())
  })

  describe('should accept', () => {
    test('nothing, null or {} for channels without arguments', () => {
      for (const raw of [undefined, null, {}]) expect(SCHEMAS['app:info'](raw)).toEqual({ ok: true, value: undefined })
    })
    test('a full start-score request, keeping only known fields', () => {
      const raw = { ...config, backend: 'auto', workers: 2, archs: { kind: 'sample', limit: 6, seed: 1 } }
      expect(SCHEMAS['jobs:start-score'](raw)).toEqual({ ok: true, value: raw })
    })
    test('each arch selection kind', () => {
      for (const archs of [{ kind: 'all' }, { kind: 'list', archs: ['|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|'] }]) {
        expect(SCHEMAS['jobs:start-score']({ ...config, archs }).ok).toBe(true)
      }
    })
  })

  describe('should return issues', () => {
    test('for a request that is not an object', () => {
      expect(issuesOf('scores:list', 'cifar10')).toBe('must be an object (got "cifar10")')
      expect(issuesOf('jobs:get', [1])).toBe('must be an object (got a list of 1)')
    })
    test('for every bad field at once, with its path', () => {
      const text = issuesOf('scores:list', { ...config, batchSize: 1, weights: [1e-7], engine: 'fast' })
      expect(text).toContain('batchSize must be a whole number from 2 to 4096 (got 1)')
      expect(text).toContain('weights must be a list of 2 items (got a list of 1)')
      expect(text).toContain('engine must be one of "collapsed", "full" (got "fast")')
    })
    test('for unknown fields, so typos do not pass silently', () => {
      expect(issuesOf('jobs:pause', { id: 'j1', force: true })).toBe('force is not a known field (expected id)')
    })
    test('for a dataset the space is not defined on', () => {
      expect(issuesOf('scores:list', { ...config, space: 'nb101', dataset: 'cifar100' })).toContain('dataset "cifar100" is not defined for nb101')
    })
    test('for a zero or non-finite weight', () => {
      expect(issuesOf('scores:list', { ...config, weights: [0, 1] })).toContain('weights must be two positive finite numbers')
      expect(issuesOf('scores:list', { ...config, weights: ['1e-7', 1] })).toContain('weights[0] must be a finite number (got "1e-7")')
    })
    test('for a bad arch selection', () => {
      expect(issuesOf('jobs:start-score', { ...config, archs: { kind: 'some' } })).toBe('archs.kind must be one of "sample", "all", "list" (got "some")')
      expect(issuesOf('jobs:start-score', { ...config, archs: { kind: 'sample', limit: 0, seed: -1 } })).toBe(
        'archs.limit must be a whole number from 1 to 1000000 (got 0); archs.seed must be a whole number from 0 to 9007199254740991 (got -1)',
      )
      expect(issuesOf('jobs:start-score', { ...config, archs: { kind: 'all', limit: 3 } })).toBe('archs.limit is not a known field (expected kind)')
      expect(issuesOf('jobs:start-score', { ...config, archs: { kind: 'list', archs: [] } })).toContain('archs.archs must be a list of 1 to 100000 items')
    })
    test('for a job id with characters outside [A-Za-z0-9_-]', () => {
      expect(issuesOf('jobs:get', { id: '../etc' })).toContain('id must be a non-empty string of at most 64 characters matching')
    })
    test('for weights:select out of range or with a metric on the reference strategy', () => {
      const text = issuesOf('weights:select', { jobId: 'j1', strategy: 'reference', nanThreshold: 0, metric: 'spearman' })
      expect(text).toContain('nanThreshold must be a finite number above 0 and at most 1 (got 0)')
      expect(text).toContain('metric is only used by the grid strategy')
    })
    test('for arguments sent to a channel that takes none', () => {
      expect(issuesOf('jobs:list', { all: true })).toBe('this channel takes no request; send nothing or {}')
    })
    test('for a sweep with weights, a one-exponent grid or a non-boolean withAccuracies', () => {
      const { weights: _weights, ...sweepConfig } = config
      const text = issuesOf('sweeps:start', { ...config, exponents: [1], archs: { kind: 'all' }, withAccuracies: 'yes' })
      expect(text).toContain('weights is not a known field')
      expect(text).toContain('exponents must be a list of 2 to 40 items')
      expect(text).toContain('withAccuracies must be true or false')
      expect(SCHEMAS['sweeps:start']({ ...sweepConfig, exponents: [-3, 0, 1], archs: { kind: 'all' } }).ok).toBe(true)
    })
    test('for compare:get without a full score configuration or with topK 0', () => {
      const text = issuesOf('compare:get', { space: 'nb201', topK: 0 })
      expect(text).toContain('dataset must be one of')
      expect(text).toContain('topK must be a whole number from 1 to 100000 (got 0)')
      expect(SCHEMAS['compare:get']({ ...config, topK: 5 })).toEqual({ ok: true, value: { ...config, topK: 5 } })
    })
    test('for a benchmark id that is not a catalogue id, a relative import path or a negative mirror', () => {
      expect(issuesOf('benchmarks:verify', { id: 'Bad/Id' })).toContain('id must be a non-empty string of at most 100 characters matching')
      expect(issuesOf('benchmarks:import', { id: 'nb201-nni-db', path: 'data/file.db' })).toContain('path must be an absolute path')
      expect(issuesOf('benchmarks:download', { id: 'nb201-nni-db', mirror: -1 })).toContain('mirror must be a whole number from 0 to 100 (got -1)')
    })
  })
})
