import { execFileSync } from 'node:child_process'
import { expect, test } from 'vitest'

/** The committed kernels.generated.ts is what scripts/build-wasm-kernels.mjs assembles from kernels.wat now. */
test('the committed wasm kernels equal a fresh build of kernels.wat', () => {
  const output = execFileSync(process.execPath, ['scripts/build-wasm-kernels.mjs', '--check'], { encoding: 'utf8' })
  expect(output).toContain('is up to date')
})
