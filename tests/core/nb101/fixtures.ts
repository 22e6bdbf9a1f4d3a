import type { Nb101Spec } from '../../../src/main/core/spaces/nb101/index.ts'

/**
 * Specs with facts published about them. Sources (read through the stored snapshots of the public repos):
 * - INCEPTION: the Inception-like cell of the nasbench README / api.py docstring / NASBench.ipynb
 *   (google-research/nasbench). Its module hash 28cfc7874f6d200472e1a9dcd8650aa0 is the graph_hash
 *   of the same spec in google-research's unified_functional_hashing tests (nasbench/python/
 *   evaluator_test.py: original_matrix/original_ops plus graph_hash); its 2,694,282 trainable
 *   parameters are printed by the query cell of NASBench.ipynb.
 * - FIRST_RECORD: the first record of nasbench_only108.tfrecord: hash 00005c142e6f48ac74fdcf73e3439874
 *   with this spec in NNI's docs/en_US/NAS/BenchmarksExample.ipynb (query_nb101_trial_stats output,
 *   arch given as op1..op5 / input1..input6) and 8,555,530 trainable parameters in several dataset
 *   dumps of `fixed_metrics` (e.g. the NAS-Bench-101 JSON extraction scripts that print
 *   dataObject[0]).
 * - NASLIB_EXAMPLE: an entry of the benchmark quoted with 3,468,426 trainable parameters in a NASLib
 *   raw-dict comment (no hash published with it).
 */
export const INCEPTION: Nb101Spec = {
  matrix: [
    [0, 1, 1, 1, 0, 1, 0],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 1, 0, 0],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 0],
  ],
  ops: ['input', 'conv1x1-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'maxpool3x3', 'output'],
}

export const FIRST_RECORD: Nb101Spec = {
  matrix: [
    [0, 1, 0, 0, 1, 1, 0],
    [0, 0, 1, 0, 0, 0, 0],
    [0, 0, 0, 1, 0, 0, 1],
    [0, 0, 0, 0, 0, 1, 0],
    [0, 0, 0, 0, 0, 1, 0],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 0],
  ],
  ops: ['input', 'conv3x3-bn-relu', 'maxpool3x3', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'conv1x1-bn-relu', 'output'],
}

export const NASLIB_EXAMPLE: Nb101Spec = {
  matrix: [
    [0, 1, 0, 1, 0, 0, 0],
    [0, 0, 1, 0, 1, 1, 0],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 1, 0, 0],
    [0, 0, 0, 0, 0, 1, 0],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 0],
  ],
  ops: ['input', 'maxpool3x3', 'conv3x3-bn-relu', 'maxpool3x3', 'conv1x1-bn-relu', 'maxpool3x3', 'output'],
}

/** Three inner vertices feed the output, so 128/3 splits 43, 43, 42 and the edges 1->3, 2->3 truncate. */
export const TRUNCATING: Nb101Spec = {
  matrix: [
    [0, 1, 1, 0, 0],
    [0, 0, 1, 1, 1],
    [0, 0, 0, 1, 1],
    [0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0],
  ],
  ops: ['input', 'conv3x3-bn-relu', 'maxpool3x3', 'conv1x1-bn-relu', 'output'],
}

/** The smallest spec: the input feeds the output directly (the cell is one projection). */
export const DIRECT: Nb101Spec = { matrix: [[0, 1], [0, 0]], ops: ['input', 'output'] }

/** JSON text of a spec, as a user writes it in an --archs file. */
export function text(spec: Nb101Spec): string {
  return JSON.stringify(spec)
}

/** The error `fn` throws (fails the test when it does not throw). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected an error, none was thrown')
}
