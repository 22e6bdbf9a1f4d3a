import { EpsinasError } from '../../../shared/errors.ts'
import type { ImageBatchShape, Minibatch, MinibatchSource } from '../minibatch.ts'
import { sampleCifarImages } from './cifar.ts'
import { sampleImageNet16Images } from './imagenet16.ts'
import { normaliseImage, type ImageDatasetId } from './normalize.ts'

const IMAGE_SIZE: Record<ImageDatasetId, number> = { cifar10: 32, cifar100: 32, 'ImageNet16-120': 16 }

/**
 * Real training images as a minibatch source: `load(shape, seed)` takes shape[0] training images
 * of `dataset` from `datasetDir` chosen by the seed (the same images for the same seed and files),
 * normalised as NB201 does (metric.md section 3; CIFAR-100 uses its own mean and std, as the
 * reference code does). Unlike the reference's DataLoader shuffle, the choice is our own seeded
 * sample (torch's RNG is not reproduced), so a seed names a batch, not the reference's batch.
 */
export function realImageSource(datasetDir: string, dataset: ImageDatasetId): MinibatchSource {
  return {
    id: 'real',
    seeded: true,
    async load(shape: ImageBatchShape, seed: number): Promise<Minibatch> {
      const [n, channels, height, width] = shape
      const size = IMAGE_SIZE[dataset]
      if (channels !== 3 || height !== size || width !== size) {
        throw new EpsinasError('BAD_ARGUMENT', `${dataset} images are 3x${size}x${size}, the network asked for ${channels}x${height}x${width}`)
      }
      if (!Number.isInteger(n) || n <= 0) throw new EpsinasError('BAD_ARGUMENT', `batch size must be a positive integer, got ${n}`)
      const images = dataset === 'ImageNet16-120' ? await sampleImageNet16Images(datasetDir, n, seed) : await sampleCifarImages(datasetDir, dataset, n, seed)
      const perImage = 3 * size * size
      const data = new Float32Array(n * perImage)
      images.forEach((image, i) => normaliseImage(dataset, image.pixels, size * size, data, i * perImage))
      return { shape, data, channelsIdentical: false, descriptor: `real:${dataset}:seed=${seed}` }
    },
  }
}
