import { statfs } from 'node:fs/promises'
import { dirname } from 'node:path'
import { EpsinasError } from '../../../shared/errors.ts'
import { formatBytes } from '../bytes.ts'

/** Free bytes available to this user on the disk holding `dir`. */
export type FreeSpaceFn = (dir: string) => Promise<number>

/** statfs on the folder, or on its nearest existing parent (the item folder may not exist yet). */
export const systemFreeSpace: FreeSpaceFn = async (dir) => {
  let current = dir
  for (;;) {
    try {
      const stats = await statfs(current)
      return stats.bavail * stats.bsize
    } catch (error) {
      const parent = dirname(current)
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === current) throw error
      current = parent
    }
  }
}

/** Throws NO_SPACE, saying what is needed and what is free, unless `needed` bytes are available. */
export async function ensureFreeSpace(dir: string, needed: number, what: string, freeSpace: FreeSpaceFn = systemFreeSpace): Promise<void> {
  if (needed <= 0) return
  const free = await freeSpace(dir)
  if (free >= needed) return
  throw new EpsinasError(
    'NO_SPACE',
    `not enough disk space: ${what} needs ${formatBytes(needed)} in ${dir}, and ${formatBytes(free)} are free. ` +
      'Free some space, or keep the data on another disk with --data-dir DIR (or EPSINAS_HOME).',
  )
}
