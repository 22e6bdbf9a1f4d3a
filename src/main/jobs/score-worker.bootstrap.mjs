// Worker threads do not inherit the tsx loader registered by the CLI or vitest: register it here and
// hand piscina the TypeScript worker's default export.
import { tsImport } from 'tsx/esm/api'

const worker = await tsImport('./score-worker.ts', import.meta.url)
export default worker.default
