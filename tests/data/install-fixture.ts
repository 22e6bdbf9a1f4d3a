import { bundledCatalogueData, findItem, type CatalogueItem } from '../../src/main/benchmarks/catalogue.ts'
import { importItem } from '../../src/main/benchmarks/install/index.ts'
import { SeededRandom } from '../../src/main/core/random.ts'

/**
 * The bundled catalogue item without its published checksums and exact sizes: what a fixture
 * (a few random images, a tiny corpus) can pass. The folder layout and manifest it installs are
 * the real ones, so `--input real` reads them as it reads a download.
 */
export function fixtureItem(id: string): CatalogueItem {
  const item = findItem(bundledCatalogueData(), id)
  return { ...item, files: item.files.map((file) => ({ ...file, checksum: null, alsoAccepted: undefined, size: { ...file.size, exact: false } })) }
}

/** Installs fixture data for a bundled item into `home` through the real import (verification, manifest, rename). */
export async function installFixture(home: string, id: string, source: string): Promise<void> {
  await importItem(fixtureItem(id), source, { dataDir: home, mode: 'copy' })
}

/** CIFAR-10 binary batches of random images; `seed` makes two installs hold different pixels. */
export function randomCifar10(perFile: number, seed: number): Array<{ name: string; data: Buffer }> {
  const random = new SeededRandom(seed)
  return [1, 2, 3, 4, 5].map((file) => {
    const data = Buffer.alloc(perFile * 3073)
    for (let i = 0; i < data.length; i++) data[i] = i % 3073 === 0 ? (i / 3073) % 10 : Math.floor(random.nextFloat() * 256)
    return { name: `cifar-10-batches-bin/data_batch_${file}.bin`, data }
  })
}
