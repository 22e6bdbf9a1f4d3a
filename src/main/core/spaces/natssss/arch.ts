import { EpsinasError, quoteInput } from '../../../../shared/errors.ts'

/** The channel counts each place can take, in the benchmark's order (NATS-Bench size space). */
export const NATSSSS_CHANNELS = [8, 16, 24, 32, 40, 48, 56, 64] as const

/** Number of channel places: stem and cell 1, reduction 1, cell 2, reduction 2, cell 3. */
export const NATSSSS_PLACES = 5

/** Number of architectures in the space: 8 choices in each of 5 places. */
export const NATSSSS_SIZE = NATSSSS_CHANNELS.length ** NATSSSS_PLACES

/** A parsed arch: the channel count of each of the 5 places, in arch-string order. */
export type NatsSssArch = readonly number[]

const CHANNEL_SET: ReadonlySet<number> = new Set(NATSSSS_CHANNELS)

function bad(arch: string, where: string, what: string): never {
  throw new EpsinasError('BAD_ARCH', `malformed NATS-Bench size arch string ${quoteInput(arch)}: ${where}: ${what}`)
}

/** Parses the benchmark's arch string `C1:C2:C3:C4:C5` (e.g. `64:64:64:64:64`); every error names the place it is about. */
export function parseNatsSssArch(arch: string): NatsSssArch {
  if (typeof arch !== 'string' || arch.trim() === '') bad(String(arch), 'whole string', 'empty')
  const places = arch.trim().split(':')
  if (places.length !== NATSSSS_PLACES) bad(arch, 'whole string', `expected ${NATSSSS_PLACES} channel counts separated by ':', found ${places.length}`)
  return places.map((place, index) => {
    const where = `place ${index + 1} (${quoteInput(place)})`
    // Digits only: Number() would also take ' 8', '8.0', '0x10' and '1e1'.
    if (!/^\d+$/.test(place) || !CHANNEL_SET.has(Number(place))) {
      bad(arch, where, `expected a channel count in ${NATSSSS_CHANNELS.join(', ')}`)
    }
    return Number(place)
  })
}

/** Writes an arch as the benchmark's arch string. */
export function formatNatsSssArch(arch: NatsSssArch): string {
  return arch.join(':')
}

/** Parses and re-formats: the one spelling every store key uses. */
export function normalizeNatsSssArch(arch: string): string {
  return formatNatsSssArch(parseNatsSssArch(arch))
}

/**
 * Architecture number `index` (0..32767) in the benchmark's own order: the NATS-Bench index is
 * itertools.product over the 5 places with the last place varying fastest (index 1 is 8:8:8:8:16,
 * index 11 is 8:8:8:16:32), so index and benchmark index are the same number.
 */
export function natsSssArchAt(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= NATSSSS_SIZE) {
    throw new EpsinasError('BAD_ARGUMENT', `NATS-Bench size enumeration index must be in 0..${NATSSSS_SIZE - 1}, got ${index}`)
  }
  const places: number[] = []
  let rest = index
  for (let k = 0; k < NATSSSS_PLACES; k++) {
    places.unshift(NATSSSS_CHANNELS[rest % NATSSSS_CHANNELS.length])
    rest = Math.floor(rest / NATSSSS_CHANNELS.length)
  }
  return formatNatsSssArch(places)
}

/** All 32,768 arch strings in the benchmark's index order. */
export function enumerateNatsSss(): string[] {
  return Array.from({ length: NATSSSS_SIZE }, (_, i) => natsSssArchAt(i))
}
