import { readFileSync } from 'node:fs'
import { isPidAlive } from '../pid-alive.ts'

/**
 * Tells whether the process that ran a job is still the one behind its PID. A PID alone is not
 * enough: after a crash or reboot the kernel hands it to another process, and a job would look
 * `running` forever. So a runner also records an identity that a reused PID does not share.
 */

let bootIdCache: string | undefined

/** This boot of the machine (start times restart from zero at each boot); empty when unknown. */
function bootId(): string {
  bootIdCache ??= readOr('/proc/sys/kernel/random/boot_id', '').trim()
  return bootIdCache
}

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return fallback
  }
}

/**
 * The identity of the live process `pid`: the machine's boot id and the process's start time in
 * clock ticks since boot (Linux /proc/<pid>/stat, field 22). Null where there is no /proc
 * (macOS, Windows) or no such process.
 */
export function processIdentity(pid: number): string | null {
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return null
  }
  // Field 2, the command name, is in parentheses and may hold spaces and ')': count from the last ')'.
  const startTime = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[22 - 3]
  return startTime && /^\d+$/.test(startTime) ? `${bootId()}:${startTime}` : null
}

/**
 * Whether the process recorded as (`pid`, `identity`) still runs. Without a recorded identity
 * (a platform without /proc, or a job recorded before identities were), a live PID is all we can check.
 */
export function isProcessRunning(pid: number, identity: string | null): boolean {
  if (!isPidAlive(pid)) return false
  return identity === null || processIdentity(pid) === identity
}
