import { EpsinasError } from '../../../shared/errors.ts'

/** How often and how patiently one URL is retried before the next one is tried. */
export interface RetryPolicy {
  /** Failed attempts per URL before moving on (an attempt that received bytes does not count). */
  attempts: number
  /** Delay after the first failure; doubled after each further one. */
  baseDelayMs: number
  maxDelayMs: number
}

/** Patient enough for a flaky file host, short enough that a dead mirror costs under a minute. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 30_000 }

/** Exponential backoff with +-20% jitter, so clients that failed together do not retry together. */
export function backoffDelay(policy: RetryPolicy, failures: number, random: () => number = Math.random): number {
  const exact = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failures - 1))
  return Math.round(exact * (0.8 + 0.4 * random()))
}

/** Waits, or rejects with CANCELLED as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(cancelled())
      return
    }
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(cancelled())
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

function cancelled(): EpsinasError {
  return new EpsinasError('CANCELLED', 'download cancelled')
}
