import { existsSync } from 'node:fs'
import { EpsinasError } from '../../../shared/errors.ts'
import type { DatasetId } from '../../../shared/types.ts'
import { itemPaths } from '../../benchmarks/install/layout.ts'
import { dataDirectory } from '../../services/paths.ts'
import type { MinibatchSource } from '../minibatch.ts'
import { realImageSource } from './real.ts'
import type { ImageDatasetId } from './normalize.ts'

/** The catalogue item holding each dataset's training images (resources/catalogue.json). */
export const IMAGE_ITEMS: Readonly<Record<ImageDatasetId, string>> = { cifar10: 'cifar10-binary', cifar100: 'cifar100-binary', 'ImageNet16-120': 'imagenet16-120' }

/** Why `--input real` cannot feed the 'custom' dataset of an imported space. */
export const CUSTOM_HAS_NO_IMAGES =
  "--input real reads a dataset's training images, and the custom dataset of an imported space (a model input no image dataset has) has none: use --input grey, normal, uniform or uniform-pos"

/**
 * The folder of `dataset`'s installed training images; BAD_FILE naming the command that installs
 * them when absent. Commands call it before they create a job, so a missing item leaves nothing behind.
 */
export function installedImageDir(dataset: ImageDatasetId): string {
  const item = IMAGE_ITEMS[dataset]
  const dir = itemPaths(dataDirectory(), item).dir
  if (!existsSync(dir)) {
    throw new EpsinasError('BAD_FILE', `--input real needs the ${dataset} training images, which are not installed in ${dir}: run epsinas data download ${item} (or epsinas data import ${item} PATH)`)
  }
  return dir
}

/**
 * `--input real`: the training images of `dataset` from its catalogue item's folder under the data
 * directory ($EPSINAS_HOME, read when a batch is loaded, so worker threads find the same folder).
 * A missing item is BAD_FILE naming the command that installs it.
 */
export function installedImageSource(dataset: DatasetId): MinibatchSource {
  return {
    id: 'real',
    seeded: true,
    async load(shape, seed) {
      // PTB text is read by the NB-NLP token source, never as images.
      if (dataset === 'ptb') throw new EpsinasError('BAD_ARGUMENT', '--input real reads images; ptb has none')
      if (dataset === 'custom') throw new EpsinasError('BAD_ARGUMENT', CUSTOM_HAS_NO_IMAGES)
      return realImageSource(installedImageDir(dataset), dataset).load(shape, seed)
    },
  }
}
