#!/usr/bin/env node
// Builds the CLI bundle out/cli/: cli.js (src/main/cli.ts) and score-worker.js (the worker threads'
// entry, found beside the bundle by jobs/worker-pool.ts), so `epsinas` starts without transpiling
// the sources through tsx, and without resolving and reading the many small files of its pure-JS
// packages (commander, csv-parse, cli-progress, yauzl), which are bundled too. Run by
// `npm install` (prepare), `npm run build` and before the tests (tests/cli-bundle.global-setup.ts);
// bin/epsinas.mjs only uses the bundle while the manifest written here matches every file it was
// built from (bin/cli-bundle.mjs).
//
//   node scripts/build-cli.mjs [--if-stale] [--if-possible]
//
// --if-stale: do nothing when the bundle already matches the sources.
// --if-possible: never fail (no esbuild in an install without devDependencies, no esbuild binary for
// this platform, a source that does not compile): say why and leave the CLI to run from the sources,
// which report a real error where it matters.
import { readFileSync } from 'node:fs'
import { readFile, rename, rm, writeFile } from 'node:fs/promises'
import { extname, join, relative, sep } from 'node:path'
import { BUILD_INPUTS, BUNDLE_DIR, MANIFEST_FILE, ROOT, freshCliBundle, sourceDigest } from '../bin/cli-bundle.mjs'

/** esbuild's loader for each kind of file the CLI imports. */
const LOADERS = { '.ts': 'ts', '.mts': 'ts', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.json': 'json' }

/**
 * Packages that must load from node_modules as usual: better-sqlite3 finds its native addon next to
 * itself, piscina starts its own worker file from its folder, the tfjs backends are native, wasm or
 * optional (tfjs-node may not be installed), and tsx is the sources' loader. seek-bzip calls the
 * deprecated Buffer() constructor, which Node only forgives inside node_modules: bundled, every NATS
 * conversion printed a DEP0005 warning on stderr.
 */
const EXTERNAL = ['better-sqlite3', 'piscina', '@tensorflow/*', 'tsx', 'tsx/*', 'seek-bzip']

/** Bundled CommonJS packages call require() for Node's built-ins, which an ES module lacks. */
const REQUIRE_SHIM = "import { createRequire as __cliCreateRequire } from 'node:module'; const require = __cliCreateRequire(import.meta.url);"

/**
 * Builds into `outdir` and returns the compiled files (sources and bundled packages) by path
 * relative to the root. They are read by our own onLoad hook so the manifest's digest covers exactly
 * the bytes esbuild compiled, even if a file is saved while the build runs.
 */
async function buildInto(outdir) {
  const esbuild = await import('esbuild')
  /** @type {Map<string, Buffer>} */
  const compiled = new Map()
  const recordSources = {
    name: 'record-sources',
    setup(build) {
      build.onLoad({ filter: /.*/ }, async (args) => {
        const loader = LOADERS[extname(args.path)]
        if (!loader) throw new Error(`no loader for ${args.path}`)
        const contents = await readFile(args.path)
        compiled.set(relative(ROOT, args.path).split(sep).join('/'), contents)
        return { contents, loader }
      })
    },
  }
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { cli: 'src/main/cli.ts', 'score-worker': 'src/main/jobs/score-worker.ts' },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    banner: { js: REQUIRE_SHIM },
    // Stack traces map back to src/ under `node --enable-source-maps`.
    sourcemap: true,
    plugins: [recordSources],
    logLevel: 'silent',
  })
  return compiled
}

/**
 * Puts the new bundle in place of the old one. A start in between finds no manifest and runs the
 * sources; a build finishing at the same time (two test runs) may win instead, which is as good:
 * each folder's manifest describes that folder's bundle.
 */
async function publish(staged, target) {
  const old = `${target}.old-${process.pid}`
  for (let attempt = 1; ; attempt++) {
    await rename(target, old).catch((error) => {
      if (error.code !== 'ENOENT') throw error
    })
    await rm(old, { recursive: true, force: true })
    try {
      await rename(staged, target)
      return
    } catch (error) {
      if ((error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') || attempt === 3) throw error
    }
  }
}

async function build() {
  const target = join(ROOT, BUNDLE_DIR)
  const staged = `${target}.tmp-${process.pid}`
  await rm(staged, { recursive: true, force: true })
  try {
    const started = performance.now()
    const compiled = await buildInto(staged)
    const files = [...compiled.keys(), ...BUILD_INPUTS].sort()
    const digest = sourceDigest(ROOT, files, (file) => compiled.get(file) ?? readFileSync(join(ROOT, file)))
    await writeFile(join(staged, MANIFEST_FILE), `${JSON.stringify({ digest, files }, null, 2)}\n`)
    await publish(staged, target)
    process.stderr.write(`build-cli: ${BUNDLE_DIR}/ from ${compiled.size} files in ${Math.round(performance.now() - started)} ms\n`)
  } finally {
    await rm(staged, { recursive: true, force: true })
  }
}

const ifStale = process.argv.includes('--if-stale')
const ifPossible = process.argv.includes('--if-possible')
if (!(ifStale && freshCliBundle())) {
  await build().catch((error) => {
    if (!ifPossible) throw error
    const reason = (error instanceof Error ? error.message : String(error)).split('\n').slice(0, 3).join(' ')
    process.stderr.write(`build-cli: no bundle (${reason}); epsinas runs from the sources\n`)
  })
}
