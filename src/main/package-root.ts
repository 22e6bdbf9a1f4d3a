import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const PACKAGE_NAME = 'epsinas-workbench'

let found: string | undefined

/**
 * The workbench's package folder (package.json, resources/, out/). Found by walking up from this
 * module rather than by a fixed relative path, because the same code runs from the sources
 * (src/main/), the CLI bundle (out/cli/) and electron-vite's build (out/main/), each at a different
 * depth below it.
 */
export function packageRoot(): string {
  found ??= findPackageRoot(dirname(fileURLToPath(import.meta.url)))
  return found
}

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) return dir
    if (dirname(dir) === dir) throw new Error(`no ${PACKAGE_NAME} package.json above ${start}`)
  }
}
