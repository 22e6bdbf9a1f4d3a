import { accessSync, constants, statSync, type Stats } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { EpsinasError } from '../../shared/errors.ts'

/**
 * Checks, before any work, that `path` (the value of `option`, e.g. --out) can be written: its
 * folder exists and is writable, and the path is not itself a folder. Without it a bad --out is
 * found only after the whole job ran. Creates nothing: a later failure must not leave an empty file.
 */
export function checkOutputFile(option: string, path: string): void {
  const fullPath = resolve(path)
  const existing = statOrNull(fullPath)
  if (existing?.isDirectory()) throw bad(option, path, 'that is a folder; give a file name')
  const folder = dirname(fullPath)
  const parent = statOrNull(folder)
  if (parent === null) throw bad(option, path, `the folder ${folder} does not exist`)
  if (!parent.isDirectory()) throw bad(option, path, `${folder} is not a folder`)
  try {
    accessSync(existing === null ? folder : fullPath, constants.W_OK)
  } catch (error) {
    throw bad(option, path, `cannot write there (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
  }
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return null
    throw new EpsinasError('BAD_FILE', `cannot check ${path}: ${code ?? String(error)}`)
  }
}

function bad(option: string, path: string, why: string): EpsinasError {
  return new EpsinasError('BAD_FILE', `${option} ${path}: ${why}`)
}
