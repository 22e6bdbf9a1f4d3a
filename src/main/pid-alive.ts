/** Whether a process with this PID exists (EPERM: it exists but belongs to another user). Shared by job runners and item locks. */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
