import { createHash } from 'node:crypto'
import { EpsinasError } from '../../shared/errors.ts'
import type { DatasetId, InputSource } from '../../shared/types.ts'
import { bundledCatalogueData, findItem } from '../benchmarks/catalogue.ts'
import { itemPaths } from '../benchmarks/install/layout.ts'
import { readManifest } from '../benchmarks/install/manifest.ts'
import { itemStatus } from '../benchmarks/install/status.ts'
import { dataDirectory } from '../services/paths.ts'
import { PTB_ITEM } from './readers/installed-ptb.ts'
import { CUSTOM_HAS_NO_IMAGES, IMAGE_ITEMS } from './readers/installed.ts'

/** The catalogue item `--input real` reads for a dataset: its training images, or the PTB text. */
export function realInputItem(dataset: DatasetId): string {
  if (dataset === 'custom') throw new EpsinasError('BAD_ARGUMENT', CUSTOM_HAS_NO_IMAGES)
  return dataset === 'ptb' ? PTB_ITEM : IMAGE_ITEMS[dataset]
}

/**
 * The `input` part of the score cache key. Synthetic inputs are their name. `real` names the
 * installed data too, `real:<16 hex>` over the SHA-256 of every file the manifest recorded when the
 * item was verified: a different install (another $EPSINAS_HOME, a new download) is another key,
 * so cached scores of other images are never served. Scores stored under a bare `real` (before
 * the key named the data) can then never match again: nothing says which images made them.
 * BAD_FILE unless the item is installed and verified: a partial or unverified copy is not scored.
 */
export async function inputCacheKey(input: InputSource, dataset: DatasetId, dataDir = dataDirectory()): Promise<string> {
  if (input !== 'real') return input
  const item = findItem(bundledCatalogueData(), realInputItem(dataset))
  const status = await itemStatus(dataDir, item)
  // Ready or needs-conversion: every file verified (real-input items need no conversion).
  if (!status.files.every((file) => file.state === 'ready')) {
    const dir = itemPaths(dataDir, item.id).dir
    const why = status.problem ?? `run epsinas data download ${item.id} (or epsinas data import ${item.id} PATH)`
    throw new EpsinasError('BAD_FILE', `--input real needs ${item.id} installed and verified, but it is ${status.state} in ${dir}: ${why}`)
  }
  const manifest = await readManifest(itemPaths(dataDir, item.id), item.id)
  const listing = item.files.map((file) => `${manifest.files[file.name]?.sha256 ?? ''}  ${file.name}\n`).join('')
  return `real:${createHash('sha256').update(listing).digest('hex').slice(0, 16)}`
}
