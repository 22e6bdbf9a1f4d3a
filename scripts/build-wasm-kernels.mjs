#!/usr/bin/env node
// Assembles the hand-written WebAssembly kernels src/main/core/backends/wasm/kernels.wat with wabt
// (the WebAssembly Binary Toolkit, compiled to JS: an npm devDependency, nothing to download) into
// src/main/core/backends/wasm/kernels.generated.ts, the binary as base64. The generated module is
// committed, so tsx, the esbuild CLI bundle and worker threads load the kernels with no file path to
// resolve at run time and no assembler at run time; tests/core/backends/wasm/build.test.ts checks it
// equals a fresh build.
//
//   node scripts/build-wasm-kernels.mjs           # rewrite the generated module
//   node scripts/build-wasm-kernels.mjs --check   # exit 1 when it is stale
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { assembleKernels, generatedModule } from './wasm-kernels-source.mjs'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const WAT = join(ROOT, 'src/main/core/backends/wasm/kernels.wat')
const OUT = join(ROOT, 'src/main/core/backends/wasm/kernels.generated.ts')

const text = generatedModule(await assembleKernels(readFileSync(WAT, 'utf8')))
if (process.argv.includes('--check')) {
  const current = readFileSync(OUT, 'utf8')
  if (current !== text) {
    console.error(`${OUT} is stale: run node scripts/build-wasm-kernels.mjs`)
    process.exit(1)
  }
  console.log(`${OUT} is up to date`)
} else {
  writeFileSync(OUT, text)
  console.log(`wrote ${OUT}`)
}
