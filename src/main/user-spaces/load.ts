/**
 * Keeps the registry's user spaces in step with their folders under `<data dir>/spaces/`: every
 * process (the CLI, the API server, each scoring worker thread) registers them from the same
 * space.json, so a space means the same networks everywhere it is used.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { isBuiltInSpace, isSpaceId, registerSpace, spaceIdProblem, unregisterSpace } from '../core/spaces/registry.ts'
import { dataDirectory } from '../services/paths.ts'
import { EpsinasError } from '../../shared/errors.ts'
import { MANIFEST_FILE, parseManifest, type UserSpaceManifest } from './manifest.ts'
import { onnxSearchSpace } from './onnx-space.ts'

/** Where user spaces are stored: beside the default cache, in the data directory. */
export function userSpacesRoot(dataDir: string = dataDirectory()): string {
  return join(dataDir, 'spaces')
}

/** A user space as registered in this process. */
export interface LoadedUserSpace {
  manifest: UserSpaceManifest
  folder: string
}

/** Warnings already given by this process. */
const warned = new Set<string>()

/** Registered user spaces of this process, by id, with the manifest text they were built from. */
const loaded = new Map<string, LoadedUserSpace & { text: string }>()

/**
 * Makes the registry agree with the space folder `folder` (named by its space id): registers it,
 * replaces a registration built from another manifest, or removes one whose folder is gone.
 * Returns whether the space is registered afterwards. BAD_FILE for a broken manifest (the space
 * is then unregistered: a space is used whole or not at all).
 */
export function syncUserSpaceFolder(folder: string): boolean {
  const id = basename(folder)
  const idProblem = spaceIdProblem(id)
  if (idProblem !== null) throw new EpsinasError('BAD_FILE', `${folder} is not a search space folder: ${idProblem}`)
  if (isBuiltInSpace(id)) throw new EpsinasError('BAD_FILE', `${folder} cannot be loaded: ${id} is a built-in search space`)
  const where = join(folder, MANIFEST_FILE)
  let text: string
  try {
    text = readFileSync(where, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new EpsinasError('BAD_FILE', `cannot read ${where}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
    forget(id)
    return false
  }
  const current = loaded.get(id)
  if (current && current.text === text && current.folder === folder && isSpaceId(id)) return true
  forget(id)
  // A space registered by other means (a test's, a built-in) is never shadowed.
  if (isSpaceId(id)) throw new EpsinasError('BAD_FILE', `${folder} cannot be loaded: search space ${id} is already registered`)
  const manifest = parseManifest(text, where)
  if (manifest.name !== id) throw new EpsinasError('BAD_FILE', `${where} names space '${manifest.name}' but its folder is ${id}`)
  registerSpace(onnxSearchSpace(manifest, folder))
  loaded.set(id, { manifest, folder, text })
  return true
}

function forget(id: string): void {
  if (!loaded.has(id)) return
  loaded.delete(id)
  unregisterSpace(id)
}

/**
 * Registers every user space stored under `dataDir`, and forgets those whose folder is gone. A
 * broken folder never stops the program: it is skipped and `warn` gets one line saying why.
 */
export function loadUserSpaces(options: { dataDir?: string; warn?: (line: string) => void } = {}): LoadedUserSpace[] {
  const root = userSpacesRoot(options.dataDir)
  let names: string[]
  try {
    // Dot-folders are imports and removals in progress.
    names = readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
      .map((entry) => entry.name)
      .sort()
  } catch {
    names = []
  }
  for (const [id, space] of loaded) {
    if (space.folder.startsWith(root) && !names.includes(id)) forget(id)
  }
  const spaces: LoadedUserSpace[] = []
  for (const name of names) {
    try {
      if (syncUserSpaceFolder(join(root, name))) spaces.push(loadedUserSpace(name) as LoadedUserSpace)
    } catch (error) {
      const why = error instanceof EpsinasError ? error.message : String(error)
      const line = `warning: search space folder ${join(root, name)} skipped: ${why}`
      // Said once per process: `epsinas serve` loads at the CLI's start and again for the API.
      if (!warned.has(line)) options.warn?.(line)
      warned.add(line)
    }
  }
  return spaces
}

/** The user space `id` as this process registered it, or null (built-in, unknown, or not loaded). */
export function loadedUserSpace(id: string): LoadedUserSpace | null {
  const space = loaded.get(id)
  return space ? { manifest: space.manifest, folder: space.folder } : null
}

/**
 * Before a space is scored: re-reads a user space's folder (imported again or removed by another
 * process since this one started), and for an id nobody registered looks in the default data
 * directory. Built-in and other registered spaces are left alone. Throws BAD_ARGUMENT in one line
 * when `id` names no space at all, saying how a removed user space comes back.
 */
export function refreshSpace(id: string): void {
  const known = loaded.get(id)
  if (known) syncUserSpaceFolder(known.folder)
  else if (!isSpaceId(id) && spaceIdProblem(id) === null) syncUserSpaceFolder(join(userSpacesRoot(), id))
  if (!isSpaceId(id)) {
    throw new EpsinasError('BAD_ARGUMENT', `search space '${id}' is not installed (a user space removed with epsinas space remove, or never imported here): import it again with epsinas space import ${id} PATH`)
  }
}
