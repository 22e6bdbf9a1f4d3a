import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { getSpace, isSpaceId, spaceIds } from '../../src/main/core/spaces/registry.ts'
import { importUserSpace, loadUserSpaces, removeUserSpace, userSpacesRoot } from '../../src/main/user-spaces/index.ts'
import { tinyOnnxModel } from '../../src/main/onnx/write.ts'
import { EpsinasError } from '../../src/shared/errors.ts'
import { tempDir } from '../services/api/helpers.ts'
import { SMALL_MODELS, writeModels } from './helpers.ts'

/** The error a call throws (fails the test when it throws none). */
function thrown(run: () => unknown): EpsinasError {
  try {
    run()
  } catch (error) {
    if (error instanceof EpsinasError) return error
    throw error
  }
  throw new Error('expected an EpsinasError')
}

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex')

describe('user spaces: import, registration and removal', () => {
  let dir: string
  let dataDir: string
  let cleanup: () => void
  beforeAll(() => {
    ;({ dir, cleanup } = tempDir('epsinas-user-spaces-'))
    dataDir = join(dir, 'home')
  })
  afterAll(() => {
    for (const id of spaceIds()) if (id.startsWith('us-')) removeUserSpace(id, dataDir)
    cleanup()
  })

  test('an import copies each file under its SHA-256 with a manifest, and registers a space of the file stems', () => {
    const source = writeModels(join(dir, 'small'), SMALL_MODELS)
    const manifest = importUserSpace({ name: 'us-small', path: source, dataDir })
    const folder = join(userSpacesRoot(dataDir), 'us-small')
    expect(manifest.archs.map((a) => a.id)).toEqual(['net-a', 'net-b', 'net-c'])
    for (const arch of manifest.archs) {
      expect(arch.sha256).toBe(sha256(join(source, `${arch.id}.onnx`)))
      expect(readFileSync(join(folder, `${arch.sha256}.onnx`))).toEqual(readFileSync(join(source, `${arch.id}.onnx`)))
    }
    expect(JSON.parse(readFileSync(join(folder, 'space.json'), 'utf8'))).toEqual(manifest)
    expect(manifest).toMatchObject({ name: 'us-small', kind: 'onnx', source, inputShape: [3, 8, 8], allowFoldedBn: false, warnings: [] })

    const space = getSpace('us-small')
    // 8 x 8 inputs match no image dataset: the space gets 'custom', sized by the model.
    expect(space.datasets).toEqual(['custom'])
    expect(space.inputShape('custom')).toEqual([3, 8, 8])
    expect(space.enumerate()).toEqual(['net-a', 'net-b', 'net-c'])
    expect(space.size).toBe(3)
    expect(space.defaultWeights).toEqual([1e-7, 1])
    expect(space.normalize(' net-b.onnx ')).toBe('net-b')
    expect(space.cacheArch('net-b')).toBe(`net-b@${manifest.archs[1].sha256}`)
    expect(space.validate('net-z')).toBe("'net-z' is not an architecture of search space us-small (its architectures: net-a, net-b, net-c)")
    expect(space.sample(2, 7)).toEqual(space.sample(2, 7))
    const graph = space.buildNetwork('net-b', { dataset: 'custom', batchSize: 5, form: 'literal' })
    expect(graph.nodes.length).toBeGreaterThan(0)
  })

  test('the datasets follow the model input: 32 x 32 RGB -> cifar10, cifar100; 16 x 16 -> ImageNet16-120', () => {
    importUserSpace({ name: 'us-cifar', path: writeModels(join(dir, 'cifar'), { one: { imageSize: 32 } }), dataDir })
    importUserSpace({ name: 'us-in16', path: writeModels(join(dir, 'in16'), { one: { imageSize: 16 } }), dataDir })
    importUserSpace({ name: 'us-grey', path: writeModels(join(dir, 'grey'), { one: { imageSize: 32, channels: 1 } }), dataDir })
    expect(getSpace('us-cifar').datasets).toEqual(['cifar10', 'cifar100'])
    expect(getSpace('us-in16').datasets).toEqual(['ImageNet16-120'])
    expect(getSpace('us-grey').datasets).toEqual(['custom'])
    expect(getSpace('us-grey').inputShape('custom')).toEqual([1, 32, 32])
  })

  test('a bad file stops the import before anything is written: the older space of that name stays as it was', () => {
    const source = writeModels(join(dir, 'keep'), { first: {} })
    importUserSpace({ name: 'us-keep', path: source, dataDir })
    const before = readFileSync(join(userSpacesRoot(dataDir), 'us-keep', 'space.json'), 'utf8')
    const bad = writeModels(join(dir, 'bad'), { good: {} })
    writeFileSync(join(bad, 'zz-broken.onnx'), 'this is not a protobuf')
    const error = thrown(() => importUserSpace({ name: 'us-keep', path: bad, dataDir }))
    expect(error.code).toBe('BAD_FILE')
    expect(error.message).toMatch(/^zz-broken\.onnx is not an ONNX model/)
    expect(error.message).not.toContain('\n')
    expect(readFileSync(join(userSpacesRoot(dataDir), 'us-keep', 'space.json'), 'utf8')).toBe(before)
    // No half-written folder is left behind, visible or not.
    expect(readdirSync(userSpacesRoot(dataDir)).filter((name) => name.startsWith('.'))).toEqual([])
    expect(getSpace('us-keep').enumerate()).toEqual(['first'])

    const fresh = thrown(() => importUserSpace({ name: 'us-never', path: bad, dataDir }))
    expect(fresh.code).toBe('BAD_FILE')
    expect(existsSync(join(userSpacesRoot(dataDir), 'us-never'))).toBe(false)
    expect(isSpaceId('us-never')).toBe(false)
  })

  test('models of different input shapes, bad names and bad stems are refused in one line', () => {
    const mixed = writeModels(join(dir, 'mixed'), { small: { imageSize: 8 }, large: { imageSize: 16 } })
    expect(thrown(() => importUserSpace({ name: 'us-mixed', path: mixed, dataDir })).message).toBe(
      'small.onnx takes 3x8x8 inputs but large.onnx takes 3x16x16: the models of one space share one input shape',
    )
    const one = writeModels(join(dir, 'one'), { m: {} })
    expect(thrown(() => importUserSpace({ name: 'nb201', path: one, dataDir })).message).toBe('nb201 is a built-in search space; choose another name')
    expect(thrown(() => importUserSpace({ name: 'My Space', path: one, dataDir })).code).toBe('BAD_ARGUMENT')
    const oddStem = join(dir, 'odd')
    mkdirSync(oddStem)
    writeFileSync(join(oddStem, 'two words.onnx'), tinyOnnxModel())
    expect(thrown(() => importUserSpace({ name: 'us-odd', path: oddStem, dataDir })).message).toMatch(/^two words\.onnx: the architecture id/)
    const empty = join(dir, 'empty')
    mkdirSync(empty)
    expect(thrown(() => importUserSpace({ name: 'us-empty', path: empty, dataDir })).message).toBe(`${empty} holds no .onnx files (one exported model per file)`)
    expect(readdirSync(userSpacesRoot(dataDir)).sort()).toEqual(['us-cifar', 'us-grey', 'us-in16', 'us-keep', 'us-small'])
  })

  test('one .onnx file is a space of one architecture; folded BN is refused unless allowed, then warned about', () => {
    const folded = join(dir, 'folded.onnx')
    writeFileSync(folded, tinyOnnxModel({ bn: 'folded' }))
    const refused = thrown(() => importUserSpace({ name: 'us-folded', path: folded, dataDir }))
    expect(refused.code).toBe('BAD_FILE')
    expect(refused.message).toContain('training=torch.onnx.TrainingMode.TRAINING')
    const manifest = importUserSpace({ name: 'us-folded', path: folded, allowFoldedBn: true, dataDir })
    expect(manifest.archs.map((a) => a.id)).toEqual(['folded'])
    expect(manifest.allowFoldedBn).toBe(true)
    expect(manifest.warnings).toHaveLength(1)
    expect(manifest.warnings[0]).toMatch(/^folded\.onnx: .*folded/)
    // The stored space builds with the same allowance it was imported with.
    expect(getSpace('us-folded').buildNetwork('folded', { dataset: 'custom', batchSize: 2, form: 'literal' }).nodes.length).toBeGreaterThan(0)
  })

  test('a stored copy altered after import is refused, never scored under its old key', () => {
    const manifest = importUserSpace({ name: 'us-altered', path: writeModels(join(dir, 'altered'), { x: { depth: 2 } }), dataDir })
    writeFileSync(join(userSpacesRoot(dataDir), 'us-altered', `${manifest.archs[0].sha256}.onnx`), tinyOnnxModel({ depth: 3 }))
    const error = thrown(() => getSpace('us-altered').buildNetwork('x', { dataset: 'custom', batchSize: 2, form: 'literal' }))
    expect(error.code).toBe('BAD_FILE')
    expect(error.message).toMatch(/^the stored copy of x \(search space us-altered\) was changed after import: .*; import the space again$/)
  })

  test('remove deletes the folder and unregisters the space; built-in and unknown names are refused', () => {
    importUserSpace({ name: 'us-gone', path: writeModels(join(dir, 'gone'), { g: {} }), dataDir })
    removeUserSpace('us-gone', dataDir)
    expect(existsSync(join(userSpacesRoot(dataDir), 'us-gone'))).toBe(false)
    expect(isSpaceId('us-gone')).toBe(false)
    expect(thrown(() => removeUserSpace('nb201', dataDir)).message).toBe('nb201 is a built-in search space and cannot be removed')
    expect(thrown(() => removeUserSpace('us-gone', dataDir)).message).toBe(`no user search space 'us-gone' in ${userSpacesRoot(dataDir)} (see epsinas space list)`)
  })

  test('loading skips a broken space.json with one warning line and registers the others', () => {
    const other = join(dir, 'other-home')
    importUserSpace({ name: 'us-fine', path: writeModels(join(dir, 'fine'), { f: {} }), dataDir: other })
    mkdirSync(join(userSpacesRoot(other), 'us-broken'))
    writeFileSync(join(userSpacesRoot(other), 'us-broken', 'space.json'), '{"format": 1, "name": "us-broken"')
    const warnings: string[] = []
    const loaded = loadUserSpaces({ dataDir: other, warn: (line) => warnings.push(line) })
    expect(loaded.map((s) => s.manifest.name)).toEqual(['us-fine'])
    expect(isSpaceId('us-broken')).toBe(false)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/^warning: search space folder .*us-broken skipped: .*space\.json is not JSON/)
    expect(warnings[0]).not.toContain('\n')
    removeUserSpace('us-fine', other)
  })
})
