import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  buildPtbCorpus,
  decodeImageNet16Batch,
  normaliseImage,
  ptbBatch,
  readPtbCorpus,
  realImageSource,
  sampleCifarImages,
  sampleImageNet16Images,
  type ImageDatasetId,
} from '../../../src/main/data/readers/index.ts'
import { EpsinasError } from '../../../src/shared/errors.ts'
import { expectRejects, FIXTURES, useTempDir } from '../../benchmarks/parsers/helpers.ts'
import { cifar100Files, cifar10Files, pixel, writeFolder, writeTarGz } from './helpers.ts'

const tmp = useTempDir('readers')
const DATA = join(FIXTURES, '..', 'data')
const IMAGENET = join(FIXTURES, 'imagenet16')

describe('normaliseImage (metric.md section 3, float32 as torchvision computes it)', () => {
  const expected = JSON.parse(readFileSync(join(DATA, 'normalisation.json'), 'utf8')) as { pixels: number[]; values: Record<ImageDatasetId, number[][]> }
  test.each(Object.keys(expected.values) as ImageDatasetId[])('%s matches numpy float32 bit for bit', (dataset) => {
    const n = expected.pixels.length
    const pixels = new Uint8Array(3 * n)
    for (let c = 0; c < 3; c++) pixels.set(expected.pixels, c * n)
    const out = new Float32Array(3 * n)
    normaliseImage(dataset, pixels, n, out, 0)
    for (let c = 0; c < 3; c++) expect(Array.from(out.subarray(c * n, (c + 1) * n))).toEqual(expected.values[dataset][c])
  })
})

describe('CIFAR readers', () => {
  test('the same seed picks the same images from the tar.gz and the extracted folder, whatever the member order', async () => {
    const files = cifar10Files(4)
    writeTarGz(join(tmp(), 'c10-archive'), 'cifar-10-binary.tar.gz', [...files].reverse())
    writeFolder(join(tmp(), 'c10-folder'), files)
    const fromArchive = await sampleCifarImages(join(tmp(), 'c10-archive'), 'cifar10', 7, 3)
    const fromFolder = await sampleCifarImages(join(tmp(), 'c10-folder'), 'cifar10', 7, 3)
    expect(fromArchive).toEqual(fromFolder)
    expect(fromArchive).toHaveLength(7)
    const other = await sampleCifarImages(join(tmp(), 'c10-folder'), 'cifar10', 7, 4)
    expect(other).not.toEqual(fromFolder)
    // Every sampled image is a training image (never the test batch, file 9), read whole.
    for (const image of fromFolder) {
      const match = [1, 2, 3, 4, 5].flatMap((file) => [0, 1, 2, 3].map((row) => ({ file, row }))).find(({ file, row }) => image.pixels[0] === pixel(file, row, 0) && image.pixels[3071] === pixel(file, row, 3071))
      expect(match).toBeDefined()
      expect(image.label).toBe((match?.row ?? -1) % 10)
    }
  })

  test('CIFAR-100 uses the fine label', async () => {
    writeFolder(join(tmp(), 'c100'), cifar100Files(30))
    const images = await sampleCifarImages(join(tmp(), 'c100'), 'cifar100', 30, 1)
    expect(images.map((i) => i.label).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i))
  })

  test.each<[string, () => string, RegExp]>([
    ['no data at all', () => mkdir('empty'), /no CIFAR-10 training data in .*expected cifar-10-batches-bin\/ or cifar-10-binary\.tar\.gz/],
    ['a file cut inside a record', () => folderWith((files) => (files[0].data = (files[0].data as Buffer).subarray(0, 5000))), /data_batch_1\.bin.*incomplete 3073-byte record/],
    ['a label out of range (wrong format)', () => folderWith((files) => ((files[0].data as Buffer)[0] = 42)), /record 0 has label 42/],
    ['fewer images than the batch', () => folderWith(() => undefined), /only 20 cifar10 training images found, a batch of 21/],
  ])('refuses %s', async (_name, dir, pattern) => {
    await expectRejects(sampleCifarImages(dir(), 'cifar10', 21, 0), 'BAD_FILE', pattern)
  })
})

function mkdir(name: string): string {
  const dir = join(tmp(), name)
  mkdirSync(dir, { recursive: true })
  return dir
}

let folders = 0
function folderWith(damage: (files: ReturnType<typeof cifar10Files>) => void): string {
  const files = cifar10Files(4).map((f) => ({ ...f, data: Buffer.from(f.data as Buffer) }))
  damage(files)
  const dir = join(tmp(), `damaged-${folders++}`)
  writeFolder(dir, files)
  return join(dir)
}

describe('ImageNet16-120 readers', () => {
  const expected = JSON.parse(readFileSync(join(IMAGENET, 'expected.json'), 'utf8')) as Record<string, { labels: number[]; rows_hex: string[] }>
  test.each(Object.keys(expected))('%s decodes to the labels and bytes Python wrote (protocols 0, 2, 3, 4)', (name) => {
    const batch = decodeImageNet16Batch(readFileSync(join(IMAGENET, name)))
    expect(batch.labels).toEqual(expected[name].labels)
    expect(expected[name].rows_hex.map((_, i) => batch.data.subarray(i * 768, (i + 1) * 768).toString('hex'))).toEqual(expected[name].rows_hex)
  })

  test('samples only classes 1..120 from the training files, labels made 0-based', async () => {
    const train = ['train_data_batch_1', 'train_data_batch_2', 'train_data_batch_3']
    const eligible = train.flatMap((name) => expected[name].labels.filter((l) => l <= 120))
    const images = await sampleImageNet16Images(IMAGENET, eligible.length, 5)
    expect(images.map((i) => i.label + 1).sort((a, b) => a - b)).toEqual([...eligible].sort((a, b) => a - b))
    await expectRejects(sampleImageNet16Images(IMAGENET, eligible.length + 1, 5), 'BAD_FILE', /only 9 ImageNet16-120 training images/)
  })
})

describe('realImageSource', () => {
  test('ImageNet16-120: a normalised NCHW batch, same seed same bits', async () => {
    const source = realImageSource(IMAGENET, 'ImageNet16-120')
    const batch = await source.load([4, 3, 16, 16], 2)
    expect(batch.descriptor).toBe('real:ImageNet16-120:seed=2')
    expect(batch.channelsIdentical).toBe(false)
    expect(source.seeded).toBe(true)
    const images = await sampleImageNet16Images(IMAGENET, 4, 2)
    const first = new Float32Array(768)
    normaliseImage('ImageNet16-120', images[0].pixels, 256, first, 0)
    expect(batch.data.subarray(0, 768)).toEqual(first)
    expect((await source.load([4, 3, 16, 16], 2)).data).toEqual(batch.data)
  })

  test('CIFAR-10 from the tar.gz, and a wrong image size is refused', async () => {
    const dir = join(tmp(), 'real-c10')
    writeTarGz(dir, 'cifar-10-binary.tar.gz', cifar10Files(3))
    const source = realImageSource(dir, 'cifar10')
    const batch = await source.load([5, 3, 32, 32], 0)
    expect(batch.data).toHaveLength(5 * 3072)
    expect(batch.data.every(Number.isFinite)).toBe(true)
    await expect(Promise.resolve(source.load([5, 3, 16, 16], 0))).rejects.toThrow(EpsinasError)
  })
})

describe('PTB', () => {
  const expected = JSON.parse(readFileSync(join(DATA, 'ptb', 'expected.json'), 'utf8')) as {
    vocabulary: string[]
    ids: Record<'train' | 'valid' | 'test', number[]>
    batch: { batchSize: number; steps: number; ids: number[][] }
  }

  test('builds the vocabulary and ids as the reference Corpus does (Python whitespace and newlines)', async () => {
    const corpus = await readPtbCorpus(join(DATA, 'ptb'))
    expect(corpus.vocabulary).toEqual(expected.vocabulary)
    expect(Array.from(corpus.train)).toEqual(expected.ids.train)
    expect(Array.from(corpus.valid)).toEqual(expected.ids.valid)
    expect(Array.from(corpus.test)).toEqual(expected.ids.test)
  })

  test('seed 0 is the batchified source[0:steps] epsinas scores', async () => {
    const corpus = await readPtbCorpus(join(DATA, 'ptb'))
    const batch = ptbBatch(corpus, { batchSize: expected.batch.batchSize, steps: expected.batch.steps, seed: 0 })
    expect(batch.start).toBe(0)
    const rows = Array.from({ length: batch.steps }, (_, t) => Array.from(batch.ids.subarray(t * batch.batchSize, (t + 1) * batch.batchSize)))
    expect(rows).toEqual(expected.batch.ids)
    const seeded = ptbBatch(corpus, { batchSize: 4, steps: 3, seed: 9 })
    expect(seeded).toEqual(ptbBatch(corpus, { batchSize: 4, steps: 3, seed: 9 }))
  })

  test('reads ptb.train.txt names too, and refuses a folder without the texts', async () => {
    const dir = mkdir('mikolov')
    for (const split of ['train', 'valid', 'test']) writeFileSync(join(dir, `ptb.${split}.txt`), readFileSync(join(DATA, 'ptb', `${split}.txt`)))
    expect((await readPtbCorpus(dir)).vocabulary).toEqual(expected.vocabulary)
    await expectRejects(readPtbCorpus(mkdir('no-ptb')), 'BAD_FILE', /train, valid, test text not found/)
    expect(() => ptbBatch(buildPtbCorpus({ train: 'a b', valid: '', test: '' }))).toThrow(/too few/)
  })
})
