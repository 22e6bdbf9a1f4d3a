#!/usr/bin/env node
// Starts the CLI from the esbuild bundle in out/cli/ (made by `npm install` and `npm run build`) when
// it was built from exactly the sources in this tree, which saves transpiling them with tsx at every
// start; otherwise, or with EPSINAS_FROM_SOURCE=1, from the TypeScript sources through tsx, so
// `npx epsinas` needs no build step and an edited source always runs as edited.
import { freshCliBundle } from './cli-bundle.mjs'

const bundle = process.env.EPSINAS_FROM_SOURCE === '1' ? null : freshCliBundle()
const { main } = bundle ? await import(bundle.href) : await importSources()
process.exitCode = await main(process.argv)

async function importSources() {
  const { tsImport } = await import('tsx/esm/api')
  return tsImport('../src/main/cli.ts', import.meta.url)
}
