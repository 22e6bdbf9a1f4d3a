import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

/**
 * Before any test: rebuild the CLI bundle (out/cli/) when the sources changed since it was built, so
 * the tests that spawn bin/epsinas.mjs run the current sources from a fresh bundle instead of
 * transpiling them with tsx at every start (about 2.8 times less CPU for the CLI test files,
 * docs/performance.md). When it cannot be built, bin/epsinas.mjs runs the sources, as it does with
 * a stale bundle: the tests never run old code.
 */
export default function buildCliBundle(): void {
  spawnSync(process.execPath, [join(import.meta.dirname, '../scripts/build-cli.mjs'), '--if-stale', '--if-possible'], { stdio: 'inherit' })
}
