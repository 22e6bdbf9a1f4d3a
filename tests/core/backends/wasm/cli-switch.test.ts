import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { epsinas, tempDir } from '../../../cli/helpers.ts'

/** The switch through the real CLI: worker threads score on either kernel set and store the same scores. */
describe('EPSINAS_KERNELS in the CLI', () => {
  const { dir, cleanup } = tempDir()
  afterAll(cleanup)

  test('a bad value is a one-line error with exit status 2, and nothing is written', () => {
    const db = join(dir, 'bad.db')
    const run = epsinas(['score', '--limit', '2', '--no-progress', '--db', db], { EPSINAS_KERNELS: 'simd' })
    expect(run.status).toBe(2)
    expect(run.stderr).toBe('epsinas: EPSINAS_KERNELS must be wasm or ts, not "simd"\n')
    expect(existsSync(db)).toBe(false)
  })

  test('wasm (default) and ts kernels store the same scores for the same archs', () => {
    const scores = (kernels: 'ts' | 'wasm'): unknown => {
      const out = join(dir, `${kernels}.json`)
      const run = epsinas(['score', '--limit', '12', '--seed', '4', '--batch', '16', '--no-progress', '--db', join(dir, `${kernels}.db`), '--out', out], { EPSINAS_KERNELS: kernels })
      expect(run.status, run.stderr).toBe(0)
      const { scores: list } = JSON.parse(readFileSync(out, 'utf8')) as { scores: Record<string, unknown>[] }
      return list.map(({ ms: _ms, ...rest }) => rest)
    }
    const wasm = scores('wasm')
    expect(wasm).toEqual(scores('ts'))
    expect((wasm as { epsilon: number | null }[]).some((s) => s.epsilon !== null)).toBe(true)
  })
})
