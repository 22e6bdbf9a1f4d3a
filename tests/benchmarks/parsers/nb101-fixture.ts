import { writeFileSync } from 'node:fs'
import { encodeModelMetrics } from '../../../src/main/benchmarks/parsers/nb101-metrics.ts'
import { frameTfRecord } from '../../../src/main/benchmarks/parsers/tfrecord.ts'

/** One run of a module as the fixture writes it. */
export interface Nb101FixtureRun {
  hash: string
  epochs: number
  matrix: string
  ops: string
  params: number
  test: number
  valid: number
}

/** The JSON payload of one record, as nasbench's generator wrote them. */
export function nb101Payload(run: Nb101FixtureRun): Buffer {
  const evaluation = (scale: number): { currentEpoch: number; trainingTime: number; trainAccuracy: number; validationAccuracy: number; testAccuracy: number } => ({
    currentEpoch: run.epochs * scale,
    trainingTime: 100 * scale,
    trainAccuracy: 0.1 + 0.8 * scale,
    validationAccuracy: scale === 1 ? run.valid : 0.1 * scale,
    testAccuracy: scale === 1 ? run.test : 0.1 * scale,
  })
  const metrics = encodeModelMetrics(
    { evaluations: [evaluation(0), evaluation(0.5), evaluation(1)], trainableParameters: run.params },
    '/tmp/model.ckpt-1',
  )
  return Buffer.from(JSON.stringify([run.hash, run.epochs, run.matrix, run.ops, metrics.toString('base64')]))
}

/** Writes the runs as a TFRecord file. */
export function writeNb101TfRecord(path: string, runs: readonly Nb101FixtureRun[]): void {
  writeFileSync(path, Buffer.concat(runs.map((run) => frameTfRecord(nb101Payload(run)))))
}

/** The Inception-like cell of the NB101 README. */
const INCEPTION = { matrix: '0111010000000100000010000100000000100000010000000', ops: 'input,conv1x1-bn-relu,conv3x3-bn-relu,conv3x3-bn-relu,conv3x3-bn-relu,maxpool3x3,output' }
const SMALL = { matrix: '011001000', ops: 'input,conv3x3-bn-relu,output' }

/** Two modules: 'a…' three 108-epoch runs (plus one 36-epoch run to ignore), 'b…' two runs. */
export const NB101_RUNS: readonly Nb101FixtureRun[] = [
  { hash: 'a'.repeat(32), epochs: 108, ...INCEPTION, params: 2694282, test: 0.9, valid: 0.91 },
  { hash: 'b'.repeat(32), epochs: 108, ...SMALL, params: 1000, test: 0.5, valid: 0.52 },
  { hash: 'a'.repeat(32), epochs: 36, ...INCEPTION, params: 2694282, test: 0.1, valid: 0.1 },
  { hash: 'a'.repeat(32), epochs: 108, ...INCEPTION, params: 2694282, test: 0.93, valid: 0.92 },
  { hash: 'b'.repeat(32), epochs: 108, ...SMALL, params: 1000, test: 0.7, valid: 0.72 },
  { hash: 'a'.repeat(32), epochs: 108, ...INCEPTION, params: 2694282, test: 0.87, valid: 0.93 },
]
