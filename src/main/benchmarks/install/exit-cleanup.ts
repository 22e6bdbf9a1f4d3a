/**
 * Files this process must not leave behind (item locks), removed synchronously when the process ends
 * without reaching its own cleanup: process.exit() or a signal nobody else handles (SIGTERM from
 * `timeout` or `kill`, SIGHUP from a closed terminal, a second Ctrl-C). Only SIGKILL and crashes
 * escape; the next lock taker then finds the lock's process dead and takes it over.
 */
import { unlinkSync } from 'node:fs'

/** A file to remove, and whether it is still ours at that moment (another process may have replaced it). */
interface Registered {
  path: string
  stillOurs: () => boolean
}

const SIGNALS: readonly NodeJS.Signals[] = process.platform === 'win32' ? ['SIGINT', 'SIGHUP'] : ['SIGINT', 'SIGTERM', 'SIGHUP']
const registered = new Set<Registered>()
let exitHookInstalled = false

/** Removes `path` if the process ends before the returned function is called (which unregisters it). */
export function removeOnExit(path: string, stillOurs: () => boolean): () => void {
  const entry: Registered = { path, stillOurs }
  if (registered.size === 0) installSignalHandlers()
  registered.add(entry)
  if (!exitHookInstalled) {
    process.on('exit', removeRegistered)
    exitHookInstalled = true
  }
  return () => {
    registered.delete(entry)
    if (registered.size === 0) uninstallSignalHandlers()
  }
}

function removeRegistered(): void {
  for (const entry of registered) {
    try {
      if (entry.stillOurs()) unlinkSync(entry.path)
    } catch {
      // Already gone, or unreadable: nothing left to clean.
    }
  }
  registered.clear()
}

/**
 * Prepended, so it runs before listeners added earlier with `once` remove themselves: while any other
 * listener is there (Ctrl-C cancelling a download, `serve` shutting down) that code ends the work and
 * releases the lock itself. Alone, the signal would kill the process: clean up, then let it.
 */
function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return
  removeRegistered()
  uninstallSignalHandlers()
  // With no listener left Node restores the default action, so this ends the process as the signal would have.
  process.kill(process.pid, signal)
}

function installSignalHandlers(): void {
  for (const signal of SIGNALS) process.prependListener(signal, onSignal)
}

function uninstallSignalHandlers(): void {
  for (const signal of SIGNALS) process.off(signal, onSignal)
}
