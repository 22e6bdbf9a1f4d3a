import cliProgress from 'cli-progress'
import type { ScoreProgress } from '../services/scoring.ts'

/** A progress bar on stderr (rate, ETA, NaN so far); on a non-terminal it prints a line every few seconds instead. */
export interface ProgressBar {
  update(progress: ScoreProgress): void
  stop(): void
}

export function createProgressBar(label: string): ProgressBar {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} {bar} {percentage}% | {value}/{total} | {rate} archs/s | ETA {eta_text} | NaN {nan}`,
      stream: process.stderr,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 5000,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  )
  let started = false
  return {
    update(progress) {
      const payload = { rate: progress.rate.toFixed(1), eta_text: formatDuration(progress.etaSeconds), nan: progress.nan }
      if (!started) {
        bar.start(progress.total, progress.done, payload)
        started = true
      } else bar.update(progress.done, payload)
    },
    stop() {
      if (started) bar.stop()
    },
  }
}

/** 754 s -> "12m34s"; null -> "--". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--'
  const s = Math.round(seconds)
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}
