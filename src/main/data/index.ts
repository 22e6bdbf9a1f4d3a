import { EpsinasError } from '../../shared/errors.ts'
import type { DatasetId, InputSource } from '../../shared/types.ts'
import type { MinibatchSource } from './minibatch.ts'
import { inputCacheKey } from './installed-identity.ts'
import { CUSTOM_HAS_NO_IMAGES, installedImageDir, installedImageSource } from './readers/installed.ts'
import { installedPtbDir } from './readers/installed-ptb.ts'
import { greySource, normalSource, uniformPositiveSource, uniformSource } from './synthetic.ts'

export type { ImageBatchShape, Minibatch, MinibatchSource } from './minibatch.ts'
export { minibatchBound } from './minibatch.ts'
export { greySource, normalSource, uniformPositiveSource, uniformSource } from './synthetic.ts'
export { inputCacheKey, realInputItem } from './installed-identity.ts'

const SYNTHETIC: Record<Exclude<InputSource, 'real'>, MinibatchSource> = {
  grey: greySource,
  normal: normalSource,
  uniform: uniformSource,
  'uniform-pos': uniformPositiveSource,
}

const NAMES: readonly InputSource[] = [...(Object.keys(SYNTHETIC) as InputSource[]), 'real']

/**
 * The minibatch source behind an input name; unknown names get a BAD_ARGUMENT error listing the
 * valid ones. 'real' reads `dataset`'s installed training images (readers/installed.ts); nothing
 * is read until a batch is loaded.
 */
export function minibatchSource(input: string, dataset: DatasetId = 'cifar10'): MinibatchSource {
  if (input === 'real') {
    // Refused here, where every command and request checks its input before any work.
    if (dataset === 'custom') throw new EpsinasError('BAD_ARGUMENT', CUSTOM_HAS_NO_IMAGES)
    return installedImageSource(dataset)
  }
  const source = Object.hasOwn(SYNTHETIC, input) ? SYNTHETIC[input as Exclude<InputSource, 'real'>] : undefined
  if (!source) throw new EpsinasError('BAD_ARGUMENT', `unknown input source '${input}' (expected one of ${NAMES.join(', ')})`)
  return source
}

/**
 * Throws the install instructions when `input` is 'real' and `dataset`'s data (training images, or
 * the PTB text) is not installed, or is only partly installed or unverified. Workers would find out
 * only after the job and the cache file exist; commands call this first so a missing download
 * leaves nothing behind.
 */
export async function checkInputInstalled(input: InputSource, dataset: DatasetId): Promise<void> {
  if (input !== 'real') return
  if (dataset === 'ptb') installedPtbDir()
  else if (dataset === 'custom') throw new EpsinasError('BAD_ARGUMENT', CUSTOM_HAS_NO_IMAGES)
  else installedImageDir(dataset)
  await inputCacheKey(input, dataset)
}
