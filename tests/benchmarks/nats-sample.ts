import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { makeTar } from './tar-writer.ts'

const NATS = join(import.meta.dirname, '..', 'fixtures', 'benchmarks', 'nats')
const PREFIX = 'NATS-tss-v1_0-3ffb9-simple'

/** The three real NATS sample archs (benchmark indices 0, 11, 284) and their final-epoch accuracies. */
export const NATS_SAMPLE = JSON.parse(readFileSync(join(NATS, 'expected.json'), 'utf8')) as Record<'000000' | '000011' | '000284', { index: number; arch: string }>

/** A NATS -simple tar of the real sample files (meta plus three archs, meta not first), as the download serves it. */
export function natsSampleTar(): Buffer {
  const member = (file: string): { name: string; data: Buffer } => ({ name: `${PREFIX}/${file}`, data: readFileSync(join(NATS, 'sample', file)) })
  return makeTar([{ name: `${PREFIX}/`, type: '5' }, member('000011.pickle.pbz2'), member('meta.pickle.pbz2'), member('000000.pickle.pbz2'), member('000284.pickle.pbz2')])
}
