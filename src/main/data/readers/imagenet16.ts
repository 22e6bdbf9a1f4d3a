import { existsSync, readdirSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { EpsinasError } from '../../../shared/errors.ts'
import { asFileError } from '../../benchmarks/parsers/errors.ts'
import { NdArray, PyDict, pyNumber, unpickle } from '../../benchmarks/parsers/pickle/index.ts'
import { BottomKSampler } from './sample.ts'

/** ImageNet16-120 keeps the first 120 of the 1000 classes (labels 1..120 in the files). */
const CLASSES = 120
const PIXELS = 3 * 16 * 16

/** One training image: its class (0-based) and 3 x 16 x 16 pixels as channel planes. */
export interface ImageNet16Image {
  label: number
  pixels: Uint8Array
}

/** One decoded batch file: rows of 768 bytes (R, G, B planes of 16 x 16) and 1-based labels. */
export interface ImageNet16Batch {
  data: Buffer
  labels: number[]
}

/**
 * Decodes a Downsampled-ImageNet batch pickle ({'data': uint8 (N, 768), 'labels': [1..1000],
 * 'mean': ...}), whatever protocol wrote it (the originals came from Python 2), with the
 * restricted unpickler. Raw array bytes are kept as bytes, never decoded as text.
 */
export function decodeImageNet16Batch(bytes: Buffer): ImageNet16Batch {
  const value = unpickle(bytes).value
  if (!(value instanceof PyDict)) throw new Error('not a dict')
  const data = value.get('data')
  const labels = value.get('labels')
  if (!(data instanceof NdArray) || data.dtype.code !== 'u1' || data.shape.length !== 2 || data.shape[1] !== PIXELS || data.fortran) {
    throw new Error(`'data' is not a C-ordered uint8 array of shape (N, ${PIXELS})`)
  }
  if (!Array.isArray(labels) || labels.length !== data.shape[0]) throw new Error(`'labels' is not a list of ${data.shape[0]} labels`)
  const numbers = labels.map((l, i) => {
    const n = pyNumber(l)
    if (n === null || !Number.isInteger(n) || n < 1 || n > 1000) throw new Error(`label ${i} is ${String(l)}, not 1..1000`)
    return n
  })
  return { data: data.data, labels: numbers }
}

/** The train_data_batch_N files in `dir` (or `dir/ImageNet16`), by N. */
export function locateImageNet16(dir: string): Array<{ path: string; number: number }> {
  for (const folder of [dir, join(dir, 'ImageNet16')]) {
    if (!existsSync(folder) || !statSync(folder).isDirectory()) continue
    const files = readdirSync(folder)
      .map((name) => ({ name, match: /^train_data_batch_(\d+)$/.exec(name) }))
      .filter((f) => f.match !== null)
      .map((f) => ({ path: join(folder, f.name), number: Number(f.match?.[1]) }))
      .sort((a, b) => a.number - b.number)
    if (files.length > 0) return files
  }
  throw new EpsinasError('BAD_FILE', `no ImageNet16 training data in ${dir}: expected train_data_batch_1 ... train_data_batch_10`)
}

/**
 * A seeded sample of `count` ImageNet16-120 training images (labels 1..120 only), one batch file
 * in memory at a time (about 100 MB each for the real data).
 */
export async function sampleImageNet16Images(dir: string, count: number, seed: number): Promise<ImageNet16Image[]> {
  const sampler = new BottomKSampler<ImageNet16Image>(count, seed)
  for (const file of locateImageNet16(dir)) {
    let batch: ImageNet16Batch
    try {
      batch = decodeImageNet16Batch(await readFile(file.path))
    } catch (error) {
      throw asFileError(file.path, error)
    }
    batch.labels.forEach((label, row) => {
      if (label > CLASSES) return
      sampler.offer(file.number * 2 ** 20 + row, () => ({ label: label - 1, pixels: batch.data.slice(row * PIXELS, (row + 1) * PIXELS) }))
    })
  }
  if (sampler.size < count) throw new EpsinasError('BAD_FILE', `${dir}: only ${sampler.size} ImageNet16-120 training images found, a batch of ${count} was asked for`)
  return sampler.result().map((r) => r.item)
}
