import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { makeTar } from './tar-writer.ts'

const SSS = join(import.meta.dirname, '..', 'fixtures', 'benchmarks', 'nats-sss')

/** One synthetic size-space arch (scripts/make-fixtures.py nats_sss_synthetic) with Python's own aggregates, keyed 'dataset/split/epochs'. */
export interface NatsSssExpected {
  index: number
  arch: string
  accuracies: Record<string, { mean: number; min: number; max: number; seeds: number }>
  costs: Record<string, { params: number; flops: number; latency: number }>
}

/** Archs 11 and 284 of the synthetic NATS-Bench size files. */
export const NATS_SSS_SAMPLE = JSON.parse(readFileSync(join(SSS, 'expected.json'), 'utf8')) as Record<'000011' | '000284', NatsSssExpected>

/** A NATS-sss-v1_0-50262-simple tar of the synthetic files: meta (all 32,768 archs) and archs 11 and 284. */
export function natsSssSampleTar(): Buffer {
  return makeTar(['meta', '000011', '000284'].map((file) => ({ name: `NATS-sss-v1_0-50262-simple/${file}.pickle.pbz2`, data: readFileSync(join(SSS, 'synthetic', `${file}.pickle.pbz2`)) })))
}
