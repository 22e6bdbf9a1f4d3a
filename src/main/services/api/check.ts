/**
 * A small hand-written checker for untrusted requests: every check records an issue (a path and a
 * message for people) instead of throwing, so one bad request reports all its problems at once.
 * Expected failures are data; only the dispatcher turns a non-empty issue list into BAD_ARGUMENT.
 */

/** One problem with a request: where (`archs.limit`, `weights[1]`) and what is wrong. */
export interface Issue {
  path: string
  message: string
}

/** A checked request, or the issues that make it unusable. */
export type Checked<T> = { ok: true; value: T } | { ok: false; issues: Issue[] }

/** Collects issues while a schema walks a request. */
export class Checker {
  readonly issues: Issue[] = []

  /** Records an issue at `path`. */
  fail(path: string, message: string): void {
    this.issues.push({ path, message })
  }

  /** The plain object at `path` (null when it is not one); fields outside `allowed` are issues, so typos do not pass silently. */
  object(raw: unknown, path: string, allowed: readonly string[]): Record<string, unknown> | null {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      this.fail(path, `must be an object (got ${describe(raw)})`)
      return null
    }
    for (const key of Object.keys(raw)) {
      if (!allowed.includes(key)) this.fail(join(path, key), `is not a known field (expected ${allowed.join(', ')})`)
    }
    return raw as Record<string, unknown>
  }

  /** A whole number in [min, max]. */
  integer(raw: unknown, path: string, min: number, max: number): number {
    if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < min || raw > max) {
      this.fail(path, `must be a whole number from ${min} to ${max} (got ${describe(raw)})`)
    }
    // When an issue was recorded the value is discarded with the whole request.
    return raw as number
  }

  /** A finite number with optional bounds (`above` is exclusive, `atMost` inclusive). */
  number(raw: unknown, path: string, bounds: { above?: number; atMost?: number } = {}): number {
    const ok =
      typeof raw === 'number' &&
      Number.isFinite(raw) &&
      (bounds.above === undefined || raw > bounds.above) &&
      (bounds.atMost === undefined || raw <= bounds.atMost)
    if (!ok) {
      const range = [bounds.above === undefined ? '' : `above ${bounds.above}`, bounds.atMost === undefined ? '' : `at most ${bounds.atMost}`].filter(Boolean).join(' and ')
      this.fail(path, `must be a finite number${range ? ` ${range}` : ''} (got ${describe(raw)})`)
    }
    return raw as number
  }

  /** One of a fixed set of strings. */
  oneOf<T extends string>(raw: unknown, path: string, values: readonly T[]): T {
    if (typeof raw !== 'string' || !(values as readonly string[]).includes(raw)) {
      this.fail(path, `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')} (got ${describe(raw)})`)
    }
    return raw as T
  }

  /** A non-empty string of at most `maxLength` characters, optionally matching `pattern`. */
  string(raw: unknown, path: string, maxLength: number, pattern?: RegExp): string {
    if (typeof raw !== 'string' || raw.length === 0 || raw.length > maxLength || (pattern && !pattern.test(raw))) {
      this.fail(path, `must be a non-empty string of at most ${maxLength} characters${pattern ? ` matching ${pattern}` : ''} (got ${describe(raw)})`)
    }
    return raw as string
  }

  /** An array of `min`..`max` items, each checked by `item`. */
  array<T>(raw: unknown, path: string, min: number, max: number, item: (value: unknown, path: string) => T): T[] {
    if (!Array.isArray(raw) || raw.length < min || raw.length > max) {
      this.fail(path, `must be a list of ${min === max ? min : `${min} to ${max}`} items (got ${describe(raw)})`)
      return []
    }
    return raw.map((value, index) => item(value, `${path}[${index}]`))
  }

  /** The result: the value when no issue was recorded. */
  result<T>(value: T): Checked<T> {
    return this.issues.length === 0 ? { ok: true, value } : { ok: false, issues: [...this.issues] }
  }
}

/** `a.b`, or `b` at the root. */
export function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`
}

/** Issues as one line: `batchSize must be ...; weights[1] must be ...`. */
export function formatIssues(issues: readonly Issue[]): string {
  return issues.map((issue) => (issue.path === '' ? issue.message : `${issue.path} ${issue.message}`)).join('; ')
}

/** A short, safe rendering of an untrusted value for a message. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (Array.isArray(value)) return `a list of ${value.length}`
  if (typeof value === 'object' && value !== null) return 'an object'
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}
