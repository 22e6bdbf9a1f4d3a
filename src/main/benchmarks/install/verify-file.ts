import { open } from 'node:fs/promises'
import { EpsinasError } from '../../../shared/errors.ts'
import type { CatalogueFile, Checksum } from '../catalogue.ts'
import { formatBytes } from '../bytes.ts'
import { htmlTitle, looksLikeHtml } from '../download/html.ts'
import { checksumMatches, computedFor, describeChecksum, digestFile, digestsFor } from './checksum.ts'
import { HEAD_BYTES, checkFormat } from './magic.ts'

/** Why a file was refused; `html` gets its own advice (download in a browser, then import). */
export type FileProblem = 'missing' | 'html' | 'size' | 'format' | 'checksum'

/** The verdict on one file. */
export type FileCheck =
  | { ok: true; size: number; sha256: string; checkedBy: string }
  | { ok: false; problem: FileProblem; message: string }

/** Options of a verification. */
export interface VerifyFileOptions {
  signal?: AbortSignal
  onBytes?: (bytes: number) => void
}

/**
 * Checks a file against its catalogue entry, cheapest first: an HTML page, the size (when exact),
 * the format's first bytes, then the published checksum (or an accepted variant's).
 */
export async function verifyFile(path: string, file: CatalogueFile, options: VerifyFileOptions = {}): Promise<FileCheck> {
  let size: number
  let head: Buffer
  try {
    const handle = await open(path, 'r')
    try {
      size = (await handle.stat()).size
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(HEAD_BYTES), 0, HEAD_BYTES, 0)
      head = buffer.subarray(0, bytesRead)
    } finally {
      await handle.close()
    }
  } catch (error) {
    return { ok: false, problem: 'missing', message: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` }
  }
  if (looksLikeHtml(head)) {
    const title = htmlTitle(head)
    return { ok: false, problem: 'html', message: `${file.name} is an HTML page${title ? ` ("${title}")` : ''}, not the file` }
  }
  const variants = file.alsoAccepted ?? []
  if (file.size.exact && size !== file.size.bytes && !variants.some((v) => v.size === size)) {
    return { ok: false, problem: 'size', message: `${file.name} has ${size} bytes (${formatBytes(size)}); it should have ${file.size.bytes}` }
  }
  const formatProblem = checkFormat(file.format, head, size)
  if (formatProblem) return { ok: false, problem: 'format', message: `${file.name}: ${formatProblem} (${file.format})` }

  const candidates: Checksum[] = [...(file.checksum ? [file.checksum] : []), ...variants.filter((v) => v.size === size).map((v) => v.checksum)]
  let digests
  try {
    digests = await digestFile(path, size, digestsFor(candidates), options)
  } catch (error) {
    if (options.signal?.aborted) throw new EpsinasError('CANCELLED', `verification of ${file.name} cancelled`)
    throw new EpsinasError('BAD_FILE', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
  const sha256 = digests.sha256 ?? ''
  if (candidates.length === 0) {
    // Say what was not checked as plainly as what was: `data download`, `import` and `verify` print it.
    return { ok: true, size, sha256, checkedBy: `${uncheckedBecause(file)}; checked only: size${file.size.exact ? '' : ' (estimate only)'} and format (${file.format})` }
  }
  const match = candidates.find((sum) => checksumMatches(sum, digests))
  if (match) return { ok: true, size, sha256, checkedBy: `${describeChecksum(match)} (${match.verified ? 'from' : 'unverified, from'} ${match.source})` }
  const expected = candidates.map((sum) => `${describeChecksum(sum)}`).join(' or ')
  return { ok: false, problem: 'checksum', message: `${file.name} fails its checksum: expected ${expected}, got ${computedFor(candidates[0], digests)}` }
}

/** The first half of what a file without a published checksum was checked by: why it was not. */
export function uncheckedBecause(file: CatalogueFile): string {
  return `NOT verified by a checksum (${file.noChecksum ?? 'none is published'})`
}
