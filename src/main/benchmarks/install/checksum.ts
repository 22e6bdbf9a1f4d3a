import { createHash, type Hash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import type { Checksum } from '../catalogue.ts'

/** The digests a file may be checked with. */
export type DigestName = 'sha256' | 'md5' | 'git-blob-sha1'

/** Hex digests of one file, by name. */
export type Digests = Partial<Record<DigestName, string>>

/** The digests needed to test these checksums; SHA-256 always, since it is recorded for later checks. */
export function digestsFor(checksums: readonly Checksum[]): Set<DigestName> {
  const names = new Set<DigestName>(['sha256'])
  for (const sum of checksums) names.add(sum.algorithm === 'hash-prefix' ? (sum.of ?? 'sha256') : sum.algorithm)
  return names
}

/** Hashes the file in one streaming pass; `size` is needed up front by the git blob header. */
export async function digestFile(path: string, size: number, names: ReadonlySet<DigestName>, options: { signal?: AbortSignal; onBytes?: (bytes: number) => void } = {}): Promise<Digests> {
  const hashes = new Map<DigestName, Hash>()
  for (const name of names) {
    if (name === 'git-blob-sha1') {
      // git's object id: sha1 over "blob <size>\0" followed by the bytes.
      hashes.set(name, createHash('sha1').update(`blob ${size}\0`))
    } else hashes.set(name, createHash(name))
  }
  let done = 0
  const stream = createReadStream(path, { highWaterMark: 1 << 20, signal: options.signal })
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    for (const hash of hashes.values()) hash.update(chunk)
    done += chunk.length
    options.onBytes?.(done)
  }
  const digests: Digests = {}
  for (const [name, hash] of hashes) digests[name] = hash.digest('hex')
  return digests
}

/** True when the computed digests match the published checksum. */
export function checksumMatches(checksum: Checksum, digests: Digests): boolean {
  if (checksum.algorithm === 'hash-prefix') return digests[checksum.of ?? 'sha256']?.startsWith(checksum.value) === true
  return digests[checksum.algorithm] === checksum.value
}

/** "md5 c32a1d4a...", "SHA-256 prefix b2b60732", for messages. */
export function describeChecksum(checksum: Checksum): string {
  const names: Record<string, string> = { sha256: 'SHA-256', md5: 'MD5', 'git-blob-sha1': 'git blob SHA-1' }
  if (checksum.algorithm === 'hash-prefix') return `${names[checksum.of ?? 'sha256']} prefix ${checksum.value}`
  return `${names[checksum.algorithm]} ${checksum.value}`
}

/** The computed digest that a checksum compares with, for "got ..." in messages. */
export function computedFor(checksum: Checksum, digests: Digests): string {
  const name: DigestName = checksum.algorithm === 'hash-prefix' ? (checksum.of ?? 'sha256') : checksum.algorithm
  return digests[name] ?? '?'
}
