import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { EpsinasError } from '../../../shared/errors.ts'
import { openMaybeGzip } from '../../benchmarks/archive/extract.ts'
import { readTar } from '../../benchmarks/archive/tar.ts'
import { asFileError } from '../../benchmarks/parsers/errors.ts'
import { fixedRecords } from './records.ts'
import { BottomKSampler } from './sample.ts'

/** One training image: its label and its 3 x 32 x 32 pixels as channel planes (R, G, B). */
export interface CifarImage {
  label: number
  pixels: Uint8Array
}

/** Binary layout of the two CIFAR training sets (cs.toronto.edu/~kriz/cifar.html, binary version). */
const LAYOUTS = {
  cifar10: { files: /(?:^|\/)data_batch_([1-5])\.bin$/, folder: 'cifar-10-batches-bin', archive: 'cifar-10-binary.tar.gz', labelBytes: 1, classes: 10 },
  // CIFAR-100 records start with the coarse then the fine label; the fine one is the class.
  cifar100: { files: /(?:^|\/)(train)\.bin$/, folder: 'cifar-100-binary', archive: 'cifar-100-binary.tar.gz', labelBytes: 2, classes: 100 },
} as const

const PIXELS = 3 * 32 * 32

/** Where a dataset's training files are: an extracted folder (preferred) or the downloaded archive. */
export type CifarSource = { kind: 'folder'; files: Array<{ path: string; number: number }> } | { kind: 'archive'; path: string }

/**
 * Finds CIFAR training data in `dir`: the extracted folder (cifar-10-batches-bin/, or the .bin
 * files directly in `dir`) or the official binary tar.gz (any *.tar.gz / *.tgz / *.tar holding
 * them). Throws BAD_FILE saying what was expected when there is none.
 */
export function locateCifar(dir: string, dataset: 'cifar10' | 'cifar100'): CifarSource {
  const layout = LAYOUTS[dataset]
  for (const folder of [join(dir, layout.folder), dir]) {
    if (!existsSync(folder) || !statSync(folder).isDirectory()) continue
    const files = readdirSync(folder)
      .map((name) => ({ name, match: layout.files.exec(name) }))
      .filter((f) => f.match !== null)
      .map((f) => ({ path: join(folder, f.name), number: f.match?.[1] === 'train' ? 1 : Number(f.match?.[1]) }))
      .sort((a, b) => a.number - b.number)
    if (files.length > 0) return { kind: 'folder', files }
  }
  const archives = existsSync(dir) ? readdirSync(dir).filter((name) => /\.(tar\.gz|tgz|tar)$/i.test(name)) : []
  const archive = archives.find((name) => name === layout.archive) ?? archives.find((name) => name.toLowerCase().includes(dataset === 'cifar10' ? '10' : '100'))
  if (archive !== undefined) return { kind: 'archive', path: join(dir, archive) }
  throw new EpsinasError('BAD_FILE', `no ${dataset === 'cifar10' ? 'CIFAR-10' : 'CIFAR-100'} training data in ${dir}: expected ${layout.folder}/ or ${layout.archive}`)
}

/**
 * A seeded sample of `count` training images (BottomKSampler: the same images whatever order the
 * archive lists its files in), read in one streaming pass: only the kept images are held.
 */
export async function sampleCifarImages(dir: string, dataset: 'cifar10' | 'cifar100', count: number, seed: number): Promise<CifarImage[]> {
  const layout = LAYOUTS[dataset]
  const source = locateCifar(dir, dataset)
  const recordSize = layout.labelBytes + PIXELS
  const sampler = new BottomKSampler<CifarImage>(count, seed)
  const where = source.kind === 'archive' ? source.path : dir
  const take = async (chunks: AsyncIterable<Uint8Array>, fileNumber: number, name: string): Promise<void> => {
    let row = 0
    try {
      for await (const record of fixedRecords(chunks, recordSize)) {
        const label = record[layout.labelBytes - 1]
        if (label >= layout.classes) throw new Error(`record ${row} has label ${label}; not a ${dataset} binary file`)
        // Indices are (file number, row): stable whatever order the files come in.
        sampler.offer(fileNumber * 2 ** 20 + row, () => ({ label, pixels: record.slice(layout.labelBytes) }))
        row++
      }
    } catch (error) {
      throw asFileError(where, error, name)
    }
  }
  if (source.kind === 'folder') {
    for (const file of source.files) await take(createReadStream(file.path, { highWaterMark: 1024 * 1024 }), file.number, file.path)
  } else {
    try {
      for await (const member of readTar(await openMaybeGzip(source.path))) {
        const match = member.type === 'file' ? layout.files.exec(member.name) : null
        if (match === null) continue
        await take(member.chunks(), match[1] === 'train' ? 1 : Number(match[1]), `entry ${member.name}`)
      }
    } catch (error) {
      throw asFileError(source.path, error)
    }
  }
  if (sampler.size < count) {
    throw new EpsinasError('BAD_FILE', `${where}: only ${sampler.size} ${dataset} training images found, a batch of ${count} was asked for`)
  }
  return sampler.result().map((r) => r.item)
}
