import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises'
import { EpsinasError } from '../../../shared/errors.ts'
import { removeOnExit } from './exit-cleanup.ts'
import type { ItemPaths } from './layout.ts'
import { isPidAlive } from '../../pid-alive.ts'

/** The live process working on an item, and what it is doing. */
export interface LockHolder {
  pid: number
  action: string
  since: string
}

interface LockFile extends LockHolder {
  token: string
}

/** The current holder, or null when there is no lock or its process has died (a stale lock). */
export async function readLockHolder(paths: ItemPaths): Promise<LockHolder | null> {
  const lock = await readLock(paths)
  return lock && isPidAlive(lock.pid) ? { pid: lock.pid, action: lock.action, since: lock.since } : null
}

/**
 * Takes the item's lock so two processes never write the same .part or manifest; a lock left by
 * a killed process is taken over. Returns the release function. Throws BUSY while a live process holds it.
 */
export async function acquireLock(paths: ItemPaths, id: string, action: string): Promise<() => Promise<void>> {
  await mkdir(paths.dir, { recursive: true })
  const mine: LockFile = { pid: process.pid, action, since: new Date().toISOString(), token: randomUUID() }
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await writeFile(paths.lock, JSON.stringify(mine), { flag: 'wx' })
      // Only remove our own lock: a stale-lock takeover may have replaced it.
      const forget = removeOnExit(paths.lock, () => parseLock(readFileSync(paths.lock, 'utf8'))?.token === mine.token)
      return async () => {
        forget()
        if ((await readLock(paths))?.token === mine.token) await unlink(paths.lock).catch(() => undefined)
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const holder = await readLockHolder(paths)
    if (holder) {
      throw new EpsinasError('BUSY', `${id} is busy: process ${holder.pid} is running '${holder.action}' on it since ${holder.since}; wait for it to finish or stop it`)
    }
    await unlink(paths.lock).catch(() => undefined)
  }
  throw new EpsinasError('BUSY', `${id} is busy: cannot take its lock ${paths.lock}`)
}

async function readLock(paths: ItemPaths): Promise<LockFile | null> {
  return parseLock(await readFile(paths.lock, 'utf8').catch(() => ''))
}

function parseLock(text: string): LockFile | null {
  try {
    const lock = JSON.parse(text) as Partial<LockFile>
    if (typeof lock.pid !== 'number') return null
    return { pid: lock.pid, action: String(lock.action), since: String(lock.since), token: String(lock.token) }
  } catch {
    return null
  }
}
