import { describe, expect, test } from 'vitest'
import { epsinas, tempDir } from './helpers.ts'

describe('epsinas data info', () => {
  test('says how a Suite-Zero NB101 file is aggregated per module hash', () => {
    const { dir, cleanup } = tempDir()
    try {
      const run = epsinas(['data', 'info', 'zc-nasbench101', '--data-dir', dir])
      expect(run.stderr).toBe('')
      expect(run.status).toBe(0)
      expect(run.stdout).toMatch(/isomorphic specs/)
      expect(run.stdout).toMatch(/per module hash: the mean over its keys, with min\/max/)
      expect(run.stdout).toMatch(/every key's spec is kept/)
    } finally {
      cleanup()
    }
  })
})
