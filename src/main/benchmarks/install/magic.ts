import type { FileFormat } from '../catalogue.ts'

/** How many leading bytes the format checks read. */
export const HEAD_BYTES = 4096

/**
 * A cheap check of the first bytes against the expected format: catches error pages, truncated
 * or wrong files before anything is parsed. Returns null when plausible, else what is wrong.
 */
export function checkFormat(format: FileFormat, head: Buffer, size: number): string | null {
  const expect = FORMAT_CHECKS[format]
  return expect.test(head, size) ? null : `it does not look like ${expect.what}`
}

const FORMAT_CHECKS: Record<FileFormat, { what: string; test: (head: Buffer, size: number) => boolean }> = {
  // No magic number: the first record's length (uint64 LE) must be sane and its JSON payload
  // (after the 4-byte length CRC) starts with '['.
  tfrecord: {
    what: 'a TFRecord file of JSON rows',
    test: (head, size) => head.length >= 13 && head.readBigUInt64LE(0) > 0n && head.readBigUInt64LE(0) < BigInt(Math.min(size, 1 << 30)) && head[12] === 0x5b,
  },
  tar: { what: 'a tar archive', test: (head) => head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar' },
  'tar.gz': { what: 'a gzip file', test: (head) => head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08 },
  zip: { what: 'a zip archive', test: (head) => head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5) && (head[3] === 4 || head[3] === 6) },
  sqlite: { what: 'an SQLite database', test: (head) => head.toString('latin1', 0, 16) === 'SQLite format 3\0' },
  json: { what: 'a JSON document', test: (head) => /^(\uFEFF)?\s*[[{]/.test(head.toString('utf8', 0, 64)) },
  // Protocol 2+ starts with PROTO (0x80, version); protocols 0/1 with MARK, EMPTY_DICT/LIST or GLOBAL.
  pickle: { what: 'a Python pickle', test: (head) => head.length >= 2 && ((head[0] === 0x80 && head[1] >= 2 && head[1] <= 5) || [0x28, 0x7d, 0x5d, 0x63].includes(head[0])) },
  text: { what: 'a text file', test: (head) => head.length > 0 && !head.includes(0) },
}
