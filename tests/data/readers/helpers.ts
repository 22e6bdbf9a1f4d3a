import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { makeTar, type TarSpec } from '../../benchmarks/tar-writer.ts'

/** Pixel j of training image (file, row): a pattern the tests can recompute. */
export function pixel(file: number, row: number, j: number): number {
  return (file * 31 + row * 7 + j * 13) % 256
}

/** One CIFAR binary record: label byte(s) then 3072 pixels. */
function record(labels: number[], file: number, row: number): Buffer {
  const out = Buffer.alloc(labels.length + 3072)
  labels.forEach((l, i) => (out[i] = l))
  for (let j = 0; j < 3072; j++) out[labels.length + j] = pixel(file, row, j)
  return out
}

/** CIFAR-10 data_batch_1..5 with `perFile` images each (label = row % 10), plus a test batch. */
export function cifar10Files(perFile: number): TarSpec[] {
  const files: TarSpec[] = []
  for (let file = 1; file <= 5; file++) {
    files.push({ name: `cifar-10-batches-bin/data_batch_${file}.bin`, data: Buffer.concat(Array.from({ length: perFile }, (_, row) => record([row % 10], file, row))) })
  }
  files.push({ name: 'cifar-10-batches-bin/test_batch.bin', data: record([0], 9, 0) })
  files.push({ name: 'cifar-10-batches-bin/batches.meta.txt', data: 'airplane\n' })
  return files
}

/** CIFAR-100 train.bin with `count` images (coarse label row % 20, fine label row % 100). */
export function cifar100Files(count: number): TarSpec[] {
  return [{ name: 'cifar-100-binary/train.bin', data: Buffer.concat(Array.from({ length: count }, (_, row) => record([row % 20, row % 100], 1, row))) }]
}

/** Writes the files as `dir/<name>.tar.gz`, members in the given order. */
export function writeTarGz(dir: string, name: string, files: readonly TarSpec[]): string {
  mkdirSync(dir, { recursive: true })
  const path = join(dir, name)
  writeFileSync(path, gzipSync(makeTar(files)))
  return path
}

/** Writes the files under `dir` as an extracted folder. */
export function writeFolder(dir: string, files: readonly TarSpec[]): void {
  for (const file of files) {
    const path = join(dir, file.name)
    mkdirSync(join(path, '..'), { recursive: true })
    writeFileSync(path, file.data ?? '')
  }
}
