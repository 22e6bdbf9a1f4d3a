import { join } from 'node:path'

/** Where one item lives: `<dataDir>/benchmarks/<id>/` with its files, `.part` files, manifest and lock. */
export interface ItemPaths {
  dir: string
  manifest: string
  lock: string
  file(name: string): string
  part(name: string): string
}

/** The folder holding every installed item. */
export function benchmarksDirectory(dataDir: string): string {
  return join(dataDir, 'benchmarks')
}

/** Paths of one item (ids and file names are validated by the catalogue to be safe path components). */
export function itemPaths(dataDir: string, id: string): ItemPaths {
  const dir = join(benchmarksDirectory(dataDir), id)
  return {
    dir,
    manifest: join(dir, 'manifest.json'),
    lock: join(dir, '.lock'),
    file: (name) => join(dir, name),
    part: (name) => join(dir, `${name}.part`),
  }
}

/** The installed path of one file of an item, for parsers and readers. */
export function installedFilePath(dataDir: string, id: string, name: string): string {
  return itemPaths(dataDir, id).file(name)
}
