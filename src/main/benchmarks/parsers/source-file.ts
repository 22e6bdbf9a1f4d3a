import type { Stats } from 'node:fs'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { asFileError } from './errors.ts'

/** One member of a benchmark source (archive entry or file of an extracted folder), read on demand. */
export interface SourceFile {
  name: string
  /** "entry ... (...)" or "file ..." for messages. */
  where: string
  read(): Promise<Buffer>
}

/** Stats the source, so a missing or unreadable path is BAD_FILE naming it before any staging starts. */
export async function statSource(path: string): Promise<Stats> {
  try {
    return await stat(path)
  } catch (error) {
    throw asFileError(path, error)
  }
}

/** The files of an extracted folder that `accept` takes, in name order (archives list in their own order). */
export async function* folderFiles(path: string, accept: (name: string) => boolean = () => true): AsyncGenerator<SourceFile> {
  for (const name of (await readdir(path)).sort()) {
    if (!accept(name)) continue
    const full = join(path, name)
    yield { name, where: `file ${name}`, read: () => readFile(full) }
  }
}
