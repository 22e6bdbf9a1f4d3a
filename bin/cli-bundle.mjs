// The CLI bundle (out/cli/, made by scripts/build-cli.mjs) and the rule for running it: only when it
// was built from exactly the sources in this tree. A stale bundle would silently run old code, so the
// build records a digest of every file it compiled and the launcher recomputes it at each start
// (about 230 small files: a few milliseconds, far less than transpiling them with tsx).
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** The project root (where package.json, src/ and out/ are). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** The bundle folder, its entry points and its manifest, relative to the project root. */
export const BUNDLE_DIR = 'out/cli'
export const CLI_ENTRY = 'cli.js'
export const MANIFEST_FILE = 'manifest.json'

/**
 * Files that shape the bundle besides the compiled sources: the build options and the tsconfig
 * esbuild reads. Editing them makes the bundle stale too.
 */
export const BUILD_INPUTS = ['scripts/build-cli.mjs', 'tsconfig.json']

/**
 * sha256 over each file's path and content (paths relative to `root`, '/'-separated); the length
 * prefixes keep two different file sets from hashing alike.
 * @param {string} root
 * @param {readonly string[]} files
 * @param {(file: string) => Uint8Array} [read] the content of one file (default: read it from disk)
 * @returns {string}
 */
export function sourceDigest(root, files, read = (file) => readFileSync(join(root, file))) {
  const hash = createHash('sha256')
  for (const file of files) {
    const content = read(file)
    hash.update(`${file.length}:${file}:${content.length}:`)
    hash.update(content)
  }
  return hash.digest('hex')
}

/**
 * The bundle's CLI entry as a file URL when the bundle exists and its manifest's digest matches the
 * sources as they are now; null otherwise (no bundle, a half-written one, or any input changed,
 * added to a different import graph or deleted), and the caller runs the sources instead.
 * @param {string} [root]
 * @returns {URL | null}
 */
export function freshCliBundle(root = ROOT) {
  const dir = join(root, BUNDLE_DIR)
  try {
    /** @type {{ files: string[], digest: string }} */
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8'))
    if (!Array.isArray(manifest.files) || typeof manifest.digest !== 'string') return null
    return sourceDigest(root, manifest.files) === manifest.digest ? pathToFileURL(join(dir, CLI_ENTRY)) : null
  } catch {
    // No manifest, an unreadable one, or a compiled file that is gone: the bundle cannot be trusted.
    return null
  }
}
