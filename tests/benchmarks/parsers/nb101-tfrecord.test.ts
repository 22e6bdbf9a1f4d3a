import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { importNb101FromTfRecord } from '../../../src/main/benchmarks/parsers/nb101-tfrecord.ts'
import { decodeModelMetrics, encodeModelMetrics } from '../../../src/main/benchmarks/parsers/nb101-metrics.ts'
import { frameTfRecord } from '../../../src/main/benchmarks/parsers/tfrecord.ts'
import { crc32c } from '../../../src/main/benchmarks/parsers/crc32c.ts'
import { listBenchmarkImports, nb101Accuracies, nb101HashesInOrder, nb101Model } from '../../../src/main/store/benchmarks.ts'
import { countRows, expectRejects, freshStore, useTempDir } from './helpers.ts'
import { NB101_RUNS, nb101Payload, writeNb101TfRecord } from './nb101-fixture.ts'

const tmp = useTempDir('nb101')

describe('crc32c', () => {
  test('matches the standard check value for "123456789"', () => {
    expect(crc32c(Buffer.from('123456789')).toString(16)).toBe('e3069283')
  })
})

describe('ModelMetrics protobuf', () => {
  test('decodes what it encodes, skipping the checkpoint path string', () => {
    const metrics = {
      evaluations: [{ currentEpoch: 108, trainingTime: 1.5, trainAccuracy: 1, validationAccuracy: 0.9, testAccuracy: 0.8 }],
      trainableParameters: 2694282,
    }
    expect(decodeModelMetrics(encodeModelMetrics(metrics, 'gs://x/model.ckpt'))).toEqual(metrics)
  })
})

describe('importNb101FromTfRecord', () => {
  test('aggregates the 108-epoch runs per hash, in order of first appearance', async () => {
    const path = join(tmp(), 'ok.tfrecord')
    writeNb101TfRecord(path, NB101_RUNS)
    const store = freshStore(tmp())
    try {
      const progress: number[] = []
      const result = await importNb101FromTfRecord(store, path, (p) => progress.push(p.items))
      expect(result).toEqual({ benchmark: 'nb101', items: 2, records: 6 })
      expect(progress.length).toBeGreaterThan(0)
      const a = nb101Model(store, 'a'.repeat(32))
      expect(a).not.toBeNull()
      expect(a?.position).toBe(0)
      expect(a?.runs).toBe(3)
      expect(a?.params).toBe(2694282)
      expect(a?.ops[1]).toBe('conv1x1-bn-relu')
      expect(a?.test?.mean).toBeCloseTo(90, 10)
      expect(a?.test?.min).toBeCloseTo(87, 10)
      expect(a?.test?.max).toBeCloseTo(93, 10)
      expect(a?.valid?.mean).toBeCloseTo(92, 10)
      expect(nb101Model(store, 'b'.repeat(32))?.test?.mean).toBeCloseTo(60, 10)
      expect(nb101HashesInOrder(store)).toEqual(['a'.repeat(32), 'b'.repeat(32)])
      expect(nb101Accuracies(store, 'valid', 'max').get('b'.repeat(32))).toBeCloseTo(72, 10)
      expect(listBenchmarkImports(store)).toMatchObject([{ benchmark: 'nb101', format: 'nb101-tfrecord', items: 2 }])
    } finally {
      store.close()
    }
  })

  describe('refuses, naming the file and position, and writes nothing', () => {
    const broken: Array<[string, (bytes: Buffer) => Buffer, RegExp]> = [
      ['a file cut inside a record', (b) => b.subarray(0, b.length - 10), /record 5 at byte \d+.*truncated/],
      ['a flipped payload byte', (b) => flip(b, 40), /record 0 at byte 0: data CRC mismatch/],
      ['a flipped length byte', (b) => flip(b, 2), /record 0 at byte 0: length CRC mismatch/],
      ['a malformed row', (b) => Buffer.concat([b, frameTfRecord(Buffer.from('["zz", 108]'))]), /record 6 at byte \d+: expected a JSON array/],
      ['a bad hash', (b) => Buffer.concat([b, frameTfRecord(Buffer.from(JSON.stringify(['x', 108, '0', 'a', ''])))]), /record 6 at byte \d+: module hash "x" is not 32 hex digits/],
    ]
    test.each(broken)('%s', async (_name, damage, pattern) => {
      const good = join(tmp(), 'good.tfrecord')
      writeNb101TfRecord(good, NB101_RUNS)
      const store = freshStore(tmp())
      try {
        // A previous good import must survive a failed one untouched.
        await importNb101FromTfRecord(store, good)
        const path = join(tmp(), 'broken.tfrecord')
        writeFileSync(path, damage(readFileSync(good)))
        const message = await expectRejects(importNb101FromTfRecord(store, path), 'BAD_FILE', pattern)
        expect(message).toContain(path)
        expect(countRows(store, 'nb101_models')).toBe(2)
        expect(listBenchmarkImports(store)[0].source).toBe(good)
      } finally {
        store.close()
      }
    })

    test('a record with fewer than three evaluation points', async () => {
      const payload = JSON.parse(nb101Payload(NB101_RUNS[0]).toString()) as unknown[]
      payload[4] = encodeModelMetrics({ evaluations: [], trainableParameters: 3 }).toString('base64')
      const path = join(tmp(), 'short.tfrecord')
      writeFileSync(path, frameTfRecord(Buffer.from(JSON.stringify(payload))))
      const store = freshStore(tmp())
      try {
        await expectRejects(importNb101FromTfRecord(store, path), 'BAD_FILE', /record 0 at byte 0: metrics hold 0 evaluation points/)
        expect(countRows(store, 'nb101_models')).toBe(0)
      } finally {
        store.close()
      }
    })

    test('a missing file', async () => {
      const store = freshStore(tmp())
      try {
        await expectRejects(importNb101FromTfRecord(store, join(tmp(), 'nope.tfrecord')), 'BAD_FILE', /no such file/)
      } finally {
        store.close()
      }
    })
  })
})

function flip(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes)
  copy[at] ^= 0xff
  return copy
}
