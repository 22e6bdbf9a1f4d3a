import { EpsinasError } from '../../../shared/errors.ts'
import { UnexpectedEndError } from '../archive/byte-reader.ts'
import { Bz2Error } from '../archive/bz2.ts'
import { TarFormatError } from '../archive/tar.ts'
import { ZipFormatError } from '../archive/zip.ts'

/** BAD_FILE naming the file, the position inside it and what is wrong. */
export function badFile(path: string, where: string, what: string): EpsinasError {
  return new EpsinasError('BAD_FILE', `${path}${where === '' ? '' : `, ${where}`}: ${what}`)
}

/**
 * Turns whatever a parser or an archive reader threw into BAD_FILE naming the file (typed errors
 * pass through): the archive helpers throw plain errors that only know offsets; file-system
 * errors (missing file, permissions) are reported with their code.
 */
export function asFileError(path: string, error: unknown, where = ''): EpsinasError {
  if (error instanceof EpsinasError) return error
  if (error instanceof UnexpectedEndError) return badFile(path, where, `${error.message}; the file is truncated`)
  if (error instanceof TarFormatError || error instanceof Bz2Error || error instanceof ZipFormatError) return badFile(path, where, error.message)
  const code = (error as NodeJS.ErrnoException | null)?.code
  if (code === 'ENOENT') return badFile(path, '', 'no such file')
  if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR') return badFile(path, where, `corrupt or truncated gzip data (${(error as Error).message})`)
  const message = error instanceof Error ? error.message : String(error)
  return badFile(path, where, code ? `${code}: ${message}` : message)
}
