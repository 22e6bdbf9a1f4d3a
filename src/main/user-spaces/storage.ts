/**
 * Importing and removing user spaces. A space is COPIED into `<data dir>/spaces/<name>/`: it must
 * survive the user moving or editing their folder, and a copy named by its SHA-256 cannot change
 * under a cached score. Every file is validated before anything is written; the folder appears
 * whole (written under a dot-name, then renamed) or not at all.
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename, extname, join, resolve } from 'node:path'
import { isBuiltInSpace, isSpaceId, spaceIdProblem } from '../core/spaces/registry.ts'
import { loadOnnxNetwork } from '../onnx/index.ts'
import { EpsinasError, cutInput } from '../../shared/errors.ts'
import { loadedUserSpace, syncUserSpaceFolder, userSpacesRoot } from './load.ts'
import { MANIFEST_FILE, MANIFEST_FORMAT, storedFile, type UserSpaceArch, type UserSpaceManifest } from './manifest.ts'

/** What to import. */
export interface ImportRequest {
  name: string
  /** A folder of .onnx files (not searched recursively) or one file. */
  path: string
  /** Accept models whose BatchNormalization was folded into the convolutions (with a warning). */
  allowFoldedBn?: boolean
  dataDir?: string
  /** Called after each file is validated. */
  onFile?: (done: number, total: number, file: string) => void
}

/**
 * Arch ids are file stems that travel through arch files (one per line, `#` starts a comment),
 * CSV cells and command lines: letters, digits and `_ . + = -`, not starting with `.` or `-`.
 */
const ARCH_ID = /^[A-Za-z0-9_][A-Za-z0-9_.+=-]{0,127}$/

/**
 * Imports `request.path` as the user space `request.name`, replacing a space of that name, and
 * registers it in this process. BAD_ARGUMENT / BAD_FILE in one line (the first bad file's own
 * message) leave the data directory as it was.
 */
export function importUserSpace(request: ImportRequest): UserSpaceManifest {
  const { name } = request
  const problem = spaceIdProblem(name)
  if (problem !== null) throw new EpsinasError('BAD_ARGUMENT', problem)
  if (isBuiltInSpace(name)) throw new EpsinasError('BAD_ARGUMENT', `${name} is a built-in search space; choose another name`)
  if (isSpaceId(name) && loadedUserSpace(name) === null) throw new EpsinasError('BAD_ARGUMENT', `search space ${name} is already registered; choose another name`)
  const source = resolve(request.path)
  const files = onnxFiles(source)
  const allowFoldedBn = request.allowFoldedBn === true

  const archs: UserSpaceArch[] = []
  const contents = new Map<string, Uint8Array>()
  const warnings: string[] = []
  let inputShape: { shape: [number, number, number]; file: string } | null = null
  for (const [index, file] of files.entries()) {
    const fileName = basename(file)
    const id = fileName.slice(0, -'.onnx'.length)
    if (!ARCH_ID.test(id)) {
      throw new EpsinasError('BAD_FILE', `${fileName}: the architecture id (the file name without .onnx) must be letters, digits and _ . + = - (at most 128, not starting with . or -); rename the file`)
    }
    if (archs.some((arch) => arch.id === id)) throw new EpsinasError('BAD_FILE', `${fileName}: two files give the architecture id ${id}`)
    const bytes = readBytes(file)
    const network = loadOnnxNetwork(bytes, fileName, { allowFoldedBn })
    const shape: [number, number, number] = [network.inputShape[0], network.inputShape[1], network.inputShape[2]]
    if (inputShape === null) inputShape = { shape, file: fileName }
    else if (shape.join('x') !== inputShape.shape.join('x')) {
      throw new EpsinasError('BAD_FILE', `${fileName} takes ${shape.join('x')} inputs but ${inputShape.file} takes ${inputShape.shape.join('x')}: the models of one space share one input shape`)
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex')
    archs.push({ id, sha256, bytes: bytes.byteLength })
    contents.set(sha256, bytes)
    // Each warning names its file, so the space's list says which architecture it is about.
    warnings.push(...network.warnings.map((warning) => (warning.includes(fileName) ? warning : `${fileName}: ${warning}`)))
    request.onFile?.(index + 1, files.length, fileName)
  }
  // onnxFiles gives at least one file, and the loop either set the shape or threw.
  if (inputShape === null) throw new EpsinasError('INTERNAL', 'no file was imported')
  archs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const manifest: UserSpaceManifest = {
    format: MANIFEST_FORMAT,
    name,
    kind: 'onnx',
    source,
    importedAt: new Date().toISOString(),
    inputShape: inputShape.shape,
    allowFoldedBn,
    archs,
    warnings,
  }
  publish(userSpacesRoot(request.dataDir), manifest, contents)
  syncUserSpaceFolder(join(userSpacesRoot(request.dataDir), name))
  return manifest
}

/** The .onnx files of a folder (sorted), or the one file given; BAD_FILE when there are none. */
function onnxFiles(source: string): string[] {
  let isFolder: boolean
  try {
    isFolder = statSync(source).isDirectory()
  } catch (error) {
    throw new EpsinasError('BAD_FILE', `cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
  if (!isFolder) {
    if (extname(source).toLowerCase() !== '.onnx') throw new EpsinasError('BAD_FILE', `${source} is not a .onnx file (give a folder of .onnx files or one .onnx file)`)
    return [source]
  }
  const files = readdirSync(source, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.onnx'))
    .map((entry) => join(source, entry.name))
    .sort()
  if (files.length === 0) throw new EpsinasError('BAD_FILE', `${source} holds no .onnx files (one exported model per file)`)
  return files
}

function readBytes(file: string): Uint8Array {
  try {
    const buffer = readFileSync(file)
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
  } catch (error) {
    throw new EpsinasError('BAD_FILE', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
}

/**
 * Writes the space under a dot-name (invisible to loadUserSpaces), then renames it into place; an
 * older space of the same name is moved aside first and deleted only once the new one is in place.
 */
function publish(root: string, manifest: UserSpaceManifest, contents: ReadonlyMap<string, Uint8Array>): void {
  mkdirSync(root, { recursive: true })
  const tag = randomBytes(4).toString('hex')
  const staging = join(root, `.import-${manifest.name}-${tag}`)
  const final = join(root, manifest.name)
  const old = join(root, `.old-${manifest.name}-${tag}`)
  try {
    mkdirSync(staging)
    for (const arch of manifest.archs) writeFileSync(storedFile(staging, arch), contents.get(arch.sha256) as Uint8Array)
    writeFileSync(join(staging, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`)
    let replaced = false
    try {
      renameSync(final, old)
      replaced = true
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
    try {
      renameSync(staging, final)
    } catch (error) {
      if (replaced) renameSync(old, final)
      throw error
    }
    if (replaced) rmSync(old, { recursive: true, force: true })
  } catch (error) {
    rmSync(staging, { recursive: true, force: true })
    if (error instanceof EpsinasError) throw error
    throw new EpsinasError('BAD_FILE', `cannot store search space ${manifest.name} in ${root}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
}

/**
 * Deletes the user space `name` (its folder, nothing else: cached scores stay, keyed by file hash,
 * and come back if the same files are imported again) and unregisters it in this process.
 */
export function removeUserSpace(name: string, dataDir?: string): void {
  if (isBuiltInSpace(name)) throw new EpsinasError('BAD_ARGUMENT', `${name} is a built-in search space and cannot be removed`)
  const root = userSpacesRoot(dataDir)
  const folder = join(root, name)
  if (spaceIdProblem(name) !== null || !isFolder(folder)) {
    throw new EpsinasError('BAD_ARGUMENT', `no user search space '${cutInput(name)}' in ${root} (see epsinas space list)`)
  }
  // Renamed first, so a half-deleted folder never looks like a space.
  const doomed = join(root, `.remove-${name}-${randomBytes(4).toString('hex')}`)
  renameSync(folder, doomed)
  rmSync(doomed, { recursive: true, force: true })
  syncUserSpaceFolder(folder)
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

/** The manifest of the registered user space `name`, or BAD_ARGUMENT naming what exists. */
export function userSpaceManifest(name: string): UserSpaceManifest {
  const space = loadedUserSpace(name)
  if (space) return space.manifest
  if (isBuiltInSpace(name)) throw new EpsinasError('BAD_ARGUMENT', `${name} is a built-in search space, not an imported one`)
  throw new EpsinasError('BAD_ARGUMENT', `no user search space '${cutInput(name)}' (see epsinas space list)`)
}
