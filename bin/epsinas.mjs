#!/usr/bin/env node
// The CLI runs from the TypeScript sources through tsx, so `npx epsinas` needs no build step.
import { tsImport } from 'tsx/esm/api'

const { main } = await tsImport('../src/main/cli.ts', import.meta.url)
process.exitCode = await main(process.argv)
