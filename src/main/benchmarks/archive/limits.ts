/**
 * Bounds on what an archive may make us hold or write. A benchmark archive that breaks one is
 * refused rather than trusted: these files come from third-party hosts and mirrors.
 */
export interface ArchiveLimits {
  /** Largest single entry, uncompressed, in bytes. */
  maxEntryBytes: number
  /** Largest sum of entry sizes, uncompressed, in bytes. */
  maxTotalBytes: number
  /** Most entries (files, folders and headers alike). */
  maxEntries: number
}

/**
 * Generous for every catalogued archive (the NATS topology archive is about 15,626 entries and
 * 5 GB unpacked; CIFAR entries are 30 MB) while still stopping a decompression bomb.
 */
export const DEFAULT_LIMITS: ArchiveLimits = {
  maxEntryBytes: 1024 ** 3,
  maxTotalBytes: 64 * 1024 ** 3,
  maxEntries: 1_000_000,
}

/** `overrides` on top of DEFAULT_LIMITS. */
export function archiveLimits(overrides: Partial<ArchiveLimits> = {}): ArchiveLimits {
  return { ...DEFAULT_LIMITS, ...overrides }
}
