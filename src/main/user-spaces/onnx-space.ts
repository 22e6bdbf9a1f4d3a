/**
 * An imported folder of ONNX files as a SearchSpace: the one definition factory of user spaces.
 * The arch id is the file stem; the network is the stored copy's graph (src/main/onnx), and the
 * cache names an arch `<stem>@<sha256>`, so a file imported again with other content is scored again.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { SeededRandom } from '../core/random.ts'
import { defineSpace, type SearchSpace } from '../core/spaces/registry.ts'
import { loadOnnxNetwork, type OnnxNetwork } from '../onnx/index.ts'
import { DATASETS, type DatasetId, type WeightPair } from '../../shared/types.ts'
import { EpsinasError, cutInput } from '../../shared/errors.ts'
import { storedFile, type UserSpaceArch, type UserSpaceManifest } from './manifest.ts'

/** Used until select-weights picks a pair for the space: NB201's pair (paper Table 8), the widest tested. */
export const USER_SPACE_DEFAULT_WEIGHTS: WeightPair = [1e-7, 1]

/** The image datasets with labels and real images; a model input matching none of them gets 'custom'. */
const IMAGE_DATASETS: readonly DatasetId[] = ['cifar10', 'cifar100', 'ImageNet16-120']

/** The datasets whose images are [3, s, s] with [s, s] the model's input, else ['custom']. */
export function datasetsForInput([channels, height, width]: readonly [number, number, number]): DatasetId[] {
  const matching = channels === 3 && height === width ? IMAGE_DATASETS.filter((dataset) => DATASETS[dataset].imageSize === height) : []
  return matching.length > 0 ? matching : ['custom']
}

/** How many arch ids a BAD_ARCH message lists before "...". */
const LISTED_IDS = 5

/** The SearchSpace of the user space stored in `folder` as `manifest` says. */
export function onnxSearchSpace(manifest: UserSpaceManifest, folder: string): SearchSpace {
  const byId = new Map(manifest.archs.map((arch) => [arch.id, arch]))
  const ids = [...byId.keys()].sort()
  // Loading a file decodes and validates the whole model: once per arch and process is enough.
  const networks = new Map<string, OnnxNetwork>()
  const networkOf = (arch: UserSpaceArch): OnnxNetwork => {
    let network = networks.get(arch.id)
    if (!network) {
      network = loadStoredNetwork(manifest, folder, arch)
      networks.set(arch.id, network)
    }
    return network
  }
  const shape: readonly [number, number, number] = Object.freeze([...manifest.inputShape] as [number, number, number])
  return defineSpace<UserSpaceArch>({
    id: manifest.name,
    title: manifest.name,
    datasets: datasetsForInput(manifest.inputShape),
    defaultWeights: USER_SPACE_DEFAULT_WEIGHTS,
    size: ids.length,
    writtenForm: 'architecture id (an imported file name without .onnx)',
    parse(text: string): UserSpaceArch {
      const trimmed = text.trim()
      // `resnet.onnx` is how the file was called: take it for its stem.
      const arch = byId.get(trimmed) ?? (trimmed.endsWith('.onnx') ? byId.get(trimmed.slice(0, -'.onnx'.length)) : undefined)
      if (arch) return arch
      const listed = ids.slice(0, LISTED_IDS).join(', ') + (ids.length > LISTED_IDS ? `, ... (${ids.length} in all)` : '')
      throw new EpsinasError('BAD_ARCH', `'${cutInput(trimmed)}' is not an architecture of search space ${manifest.name} (its architectures: ${listed})`)
    },
    format: (arch) => arch.id,
    sample(count: number, seed: number): string[] {
      return new SeededRandom(seed).sampleWithoutReplacement(ids.length, Math.min(count, ids.length)).map((index) => ids[index])
    },
    enumerate: () => [...ids],
    buildNetwork: (arch, { batchSize }) => networkOf(arch).build(batchSize),
    inputShape: () => shape,
    cacheArch: (arch) => `${arch.id}@${arch.sha256}`,
  })
}

/** The network of `arch` from its stored copy in `folder` (checked against its hash). */
export function loadStoredNetwork(manifest: UserSpaceManifest, folder: string, arch: UserSpaceArch): OnnxNetwork {
  return loadOnnxNetwork(readStoredCopy(folder, manifest.name, arch), `${arch.id}.onnx`, { allowFoldedBn: manifest.allowFoldedBn })
}

/**
 * The stored copy of `arch`, checked against its hash: the copy is the cache key's promise, so a
 * copy altered behind the program's back is refused rather than scored under the old key.
 */
function readStoredCopy(folder: string, space: string, arch: UserSpaceArch): Uint8Array {
  const path = storedFile(folder, arch)
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (error) {
    throw new EpsinasError('BAD_FILE', `the stored copy of ${arch.id} (search space ${space}) cannot be read: ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}; import the space again`)
  }
  if (createHash('sha256').update(bytes).digest('hex') !== arch.sha256) {
    throw new EpsinasError('BAD_FILE', `the stored copy of ${arch.id} (search space ${space}) was changed after import: ${path}; import the space again`)
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}
