import cliProgress from 'cli-progress'
import { formatBytes } from '../benchmarks/bytes.ts'
import { formatDuration } from './progress.ts'

/** What a byte-transfer bar shows. */
export interface TransferBarUpdate {
  bytesDone: number
  bytesTotal: number
  rate: number
  etaSeconds: number | null
  file: string
}

/** A progress bar for downloads on stderr: bytes, rate and ETA; a line every few seconds on a non-terminal. */
export interface TransferBar {
  update(progress: TransferBarUpdate): void
  stop(): void
}

/** Starts lazily at the first update, so a command that downloads nothing prints no bar. */
export function createTransferBar(label: string): TransferBar {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} {bar} {percentage}% | {done} of {size} | {speed} | ETA {eta_text} | {file}`,
      stream: process.stderr,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 5000,
    },
    cliProgress.Presets.shades_classic,
  )
  let started = false
  return {
    update(progress) {
      const total = Math.max(progress.bytesTotal, progress.bytesDone, 1)
      const payload = {
        done: formatBytes(progress.bytesDone),
        size: formatBytes(total),
        speed: `${formatBytes(progress.rate)}/s`,
        eta_text: formatDuration(progress.etaSeconds),
        file: progress.file,
      }
      if (!started) {
        bar.start(total, progress.bytesDone, payload)
        started = true
      } else {
        bar.setTotal(total)
        bar.update(progress.bytesDone, payload)
      }
    },
    stop() {
      if (started) bar.stop()
    },
  }
}
