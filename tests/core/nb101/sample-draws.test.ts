/**
 * NB101 draws are part of every seeded job (`epsinas score --space nb101 --limit N --seed S`): the
 * sampler may change how it remembers the module hashes it has drawn, never what it draws. The
 * digest below is of the first 2,000 specs for seed 1 as the sampler gave them before it kept its
 * hashes compactly (commit 53e5bc5).
 */
import { createHash, randomBytes } from 'node:crypto'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, test } from 'vitest'
import { DistinctHashes, sampleNb101Specs } from '../../../src/main/core/spaces/nb101/sample.ts'

setFlagsFromString('--expose-gc')
const collectGarbage = runInNewContext('gc') as () => void

/** The JS heap and the typed arrays' memory outside it. */
function heldBytes(): number {
  const { heapUsed, arrayBuffers } = process.memoryUsage()
  return heapUsed + arrayBuffers
}

describe('sampleNb101Specs draws', () => {
  test('should draw the same 2,000 specs for seed 1 as before, in the same order', () => {
    const specs = sampleNb101Specs(2_000, 1)
    expect(createHash('sha256').update(specs.join('\n')).digest('hex')).toBe('59e97cfa3857ccc1c5de81e3cac37112df6b1c32722eb79ffd82302d51ac9823')
  }, 30_000)
})

describe('DistinctHashes', () => {
  test('should tell apart hashes that share a fingerprint and refuse a repeat', () => {
    const hashes = ['01234567aaaa', '01234567bbbb', '01234567cccc', 'ffffffffaaaa']
    const seen = new DistinctHashes((index) => hashes[index])
    expect(hashes.map((hash, index) => seen.addIfNew(hash, index))).toEqual([true, true, true, true])
    expect(['01234567aaaa', '01234567bbbb', '01234567cccc', 'ffffffffaaaa'].map((hash) => seen.addIfNew(hash, 99))).toEqual([false, false, false, false])
    expect(seen.addIfNew('01234567dddd', 4)).toBe(true)
    expect(seen.size).toBe(5)
  })

  test('should keep every hash through its growth (3,000 hashes, slots doubled several times)', () => {
    const hashes = Array.from({ length: 3_000 }, (_, i) => `${(i % 97).toString(16).padStart(8, '0')}${i}`)
    const seen = new DistinctHashes((index) => hashes[index])
    expect(hashes.every((hash, index) => seen.addIfNew(hash, index))).toBe(true)
    expect(hashes.some((hash) => seen.addIfNew(hash, 0))).toBe(false)
    expect(seen.size).toBe(3_000)
  })

  test('should keep well under the 80 bytes per hash a set of the hash texts keeps', () => {
    const hashes: string[] = []
    const seen = new DistinctHashes((index) => hashes[index])
    // The texts live elsewhere here (as the specs do in the sampler) and are made before measuring.
    for (let i = 0; i < 20_000; i++) hashes.push(randomBytes(16).toString('hex'))
    collectGarbage()
    const before = heldBytes()
    for (const [index, hash] of hashes.entries()) seen.addIfNew(Buffer.from(hash, 'latin1').toString('latin1'), index)
    collectGarbage()
    const perHash = (heldBytes() - before) / 20_000
    expect(seen.size).toBe(20_000)
    expect(perHash).toBeLessThan(50)
  })
})
