/** Datasets with real training images. */
export type ImageDatasetId = 'cifar10' | 'cifar100' | 'ImageNet16-120'

/**
 * Per-channel mean and std in 0..255 units, as NB201 (and epsinas, NAS-Bench-201/datasets/
 * get_dataset_with_transform.py) normalise: CIFAR-100 has its own constants, not CIFAR-10's.
 */
export const NORMALISATION: Record<ImageDatasetId, { mean: readonly number[]; std: readonly number[] }> = {
  cifar10: { mean: [125.3, 123.0, 113.9], std: [63.0, 62.1, 66.7] },
  cifar100: { mean: [129.3, 124.1, 112.4], std: [68.2, 65.4, 70.4] },
  'ImageNet16-120': { mean: [122.68, 116.66, 104.01], std: [63.22, 61.26, 65.09] },
}

/**
 * Writes `pixels` (one image, channel planes of `plane` bytes: R, G, B) into `out` at `offset`,
 * normalised as torchvision's ToTensor + Normalize compute it in float32: x = f32(p / 255), then
 * f32(f32(x - mean) / std) with mean and std rounded to float32 from Python's `v / 255`. Every
 * step is one IEEE operation on float32 inputs, so rounding the float64 result reproduces it.
 */
export function normaliseImage(dataset: ImageDatasetId, pixels: Uint8Array, plane: number, out: Float32Array, offset: number): void {
  const { mean, std } = NORMALISATION[dataset]
  for (let c = 0; c < 3; c++) {
    const m = Math.fround(mean[c] / 255)
    const s = Math.fround(std[c] / 255)
    const base = c * plane
    for (let i = 0; i < plane; i++) {
      const x = Math.fround(pixels[base + i] / 255)
      out[offset + base + i] = Math.fround(Math.fround(x - m) / s)
    }
  }
}
