import { createReadStream } from 'node:fs'
import { mkdir, open, rename, rm, stat } from 'node:fs/promises'
import { dirname, join, resolve, sep } from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { safeEntryPath } from './entry-path.ts'
import { type ArchiveLimits } from './limits.ts'
import { readTar } from './tar.ts'
import { readZip } from './zip.ts'

/** An archive refused by the extractor: unsafe entry, limit, or corrupt data. */
export class ExtractError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ExtractError'
  }
}

/** What an extraction wrote. */
export interface ExtractResult {
  files: number
  bytes: number
}

/**
 * Opens `path` as a byte stream, gunzipping it when it starts with the gzip magic. `onBytes`
 * receives the running count of bytes read from the file itself (compressed), for progress.
 */
export async function openMaybeGzip(path: string, onBytes?: (bytesRead: number) => void): Promise<Readable> {
  const handle = await open(path, 'r')
  const magic = Buffer.alloc(2)
  try {
    await handle.read(magic, 0, 2, 0)
  } finally {
    await handle.close()
  }
  const stages: Readable[] = [createReadStream(path, { highWaterMark: 1024 * 1024 })]
  if (onBytes) {
    let count = 0
    stages.push(
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          count += chunk.length
          onBytes(count)
          done(null, chunk)
        },
      }),
    )
  }
  if (magic[0] === 0x1f && magic[1] === 0x8b) stages.push(createGunzip())
  return chain(stages)
}

/** Pipes the stages together; an error anywhere destroys the last, which its reader sees. */
function chain(stages: Readable[]): Readable {
  const last = stages[stages.length - 1]
  for (let i = 0; i + 1 < stages.length; i++) {
    stages[i].on('error', (error) => last.destroy(error))
    stages[i].pipe(stages[i + 1] as unknown as NodeJS.WritableStream)
  }
  return last
}

/**
 * Extracts a tar, tar.gz or zip archive into `destination`, which must not exist yet. Everything
 * goes to a sibling temporary folder first and is renamed into place at the end, so a refused
 * or broken archive leaves nothing behind. Refused: names that are absolute or climb out with
 * `..`, symlinks and hard links (a link could point outside and be written through later),
 * devices, and anything past `limits`.
 */
export async function extractArchive(
  archive: string,
  destination: string,
  limits: Partial<ArchiveLimits> = {},
): Promise<ExtractResult> {
  const target = resolve(destination)
  if (await exists(target)) throw new ExtractError(`${target} already exists; remove it first`)
  const staging = `${target}.partial-${process.pid}-${Date.now()}`
  await mkdir(staging, { recursive: true })
  try {
    const result = (await isZip(archive)) ? await extractZipInto(archive, staging, limits) : await extractTarInto(archive, staging, limits)
    await rename(staging, target)
    return result
  } catch (error) {
    await rm(staging, { recursive: true, force: true })
    throw error
  }
}

async function extractTarInto(archive: string, root: string, limits: Partial<ArchiveLimits>): Promise<ExtractResult> {
  const result: ExtractResult = { files: 0, bytes: 0 }
  for await (const member of readTar(await openMaybeGzip(archive), limits)) {
    const where = `entry ${JSON.stringify(member.name)} (tar header at byte ${member.offset})`
    if (member.type === 'symlink' || member.type === 'hardlink') throw new ExtractError(`${where}: links are not extracted (target ${JSON.stringify(member.linkName)})`)
    if (member.type === 'other') throw new ExtractError(`${where}: not a regular file or folder`)
    const path = targetPath(root, member.name, where)
    if (member.type === 'directory') {
      await mkdir(path, { recursive: true })
      continue
    }
    await writeNew(path, await member.read(), where)
    result.files++
    result.bytes += member.size
  }
  return result
}

async function extractZipInto(archive: string, root: string, limits: Partial<ArchiveLimits>): Promise<ExtractResult> {
  const result: ExtractResult = { files: 0, bytes: 0 }
  for await (const member of readZip(archive, limits)) {
    const where = `entry ${member.index} (${JSON.stringify(member.name)})`
    if (member.type === 'symlink') throw new ExtractError(`${where}: links are not extracted`)
    const path = targetPath(root, member.name, where)
    if (member.type === 'directory') {
      await mkdir(path, { recursive: true })
      continue
    }
    await writeNew(path, await member.read(), where)
    result.files++
    result.bytes += member.size
  }
  return result
}

/** The entry's path under `root`, refusing names that are unsafe or resolve outside it. */
function targetPath(root: string, name: string, where: string): string {
  const relative = safeEntryPath(name)
  if (relative === null) throw new ExtractError(`${where}: unsafe name (absolute, '..', backslash or control character)`)
  const path = join(root, ...relative.split('/'))
  if (!path.startsWith(root + sep)) throw new ExtractError(`${where}: resolves outside the destination`)
  return path
}

/** Writes a file that must not exist yet: a second entry of the same name is refused, not merged. */
async function writeNew(path: string, data: Buffer, where: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  let handle
  try {
    handle = await open(path, 'wx')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new ExtractError(`${where}: duplicate name`)
    throw error
  }
  try {
    await handle.writeFile(data)
  } finally {
    await handle.close()
  }
}

async function isZip(path: string): Promise<boolean> {
  const handle = await open(path, 'r')
  try {
    const magic = Buffer.alloc(4)
    await handle.read(magic, 0, 4, 0)
    return magic.readUInt32LE(0) === 0x04034b50 || magic.readUInt32LE(0) === 0x06054b50
  } finally {
    await handle.close()
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}
