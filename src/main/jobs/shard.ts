import { createHash } from 'node:crypto'
import { getSpace } from '../core/spaces/registry.ts'
import { cutInput, EpsinasError } from '../../shared/errors.ts'
import type { SpaceId } from '../../shared/types.ts'

/** Which part of a job a shard is: `index` of `count` (0 <= index < count). */
export interface ShardNumber {
  index: number
  count: number
}

/** What a shard's job records about the whole job it is a part of (stored in its spec, read by merge). */
export interface ShardOfJob extends ShardNumber {
  /** Identity of the whole job (its settings and its set of archs): the shards of one job share it. */
  of: string
  /** Architectures of the whole job, over all its shards. */
  archs: number
}

/** Parses `I/N` (0 <= I < N); anything else is a one-line BAD_ARGUMENT. */
export function parseShardNumber(text: string, option = '--shard'): ShardNumber {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text)
  const index = match ? Number(match[1]) : NaN
  const count = match ? Number(match[2]) : NaN
  if (!match || !Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index >= count) {
    throw new EpsinasError('BAD_ARGUMENT', `${option} takes I/N, shard I of N counted from 0 (0 <= I < N, e.g. 0/8 ... 7/8); got '${cutInput(text)}'`)
  }
  return { index, count }
}

/**
 * The shard (0..count-1) an arch belongs to: a hash of its canonical key where the space has one
 * (else of its name in the cache), so every arch is in exactly one shard whatever the order or the
 * restarts, and archs that build one network land in the same shard: it is computed once, as on one
 * machine, and the merged cache names the same representative arch.
 */
export function shardOfArch(space: SpaceId, arch: string, count: number): number {
  const definition = getSpace(space)
  const key = definition.canonicalKey(arch) ?? definition.cacheArch(arch)
  // 48 bits of SHA-256: uniform, the same on every machine, and exact in a double.
  return createHash('sha256').update(key).digest().readUIntBE(0, 6) % count
}

/** The archs of `archs` in shard `shard`, in their order in `archs`. */
export function archsOfShard(space: SpaceId, archs: readonly string[], shard: ShardNumber): string[] {
  return archs.filter((arch) => shardOfArch(space, arch, shard.count) === shard.index)
}

/**
 * Identity of a whole job: its scoring settings and its set of archs. Every shard of one job
 * computes the same identity on its own, so merge can tell which shards of a job it has; the set,
 * not the order, since shards do not depend on the order (`--all` lists the installed benchmark's
 * order on one machine and the space's enumeration on another).
 */
export function jobIdentity(settings: object, archs: readonly string[]): string {
  const hash = createHash('sha256').update(JSON.stringify(settings))
  for (const arch of [...archs].sort()) hash.update('\n').update(arch)
  return hash.digest('hex').slice(0, 12)
}
