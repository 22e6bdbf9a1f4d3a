import { InvalidArgumentError } from 'commander'

/** A commander parser for an integer option with a minimum. */
export function parseInteger(name: string, min: number): (text: string) => number {
  return (text) => {
    const value = Number(text)
    if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min) {
      throw new InvalidArgumentError(`${name} takes an integer >= ${min} (got '${text}')`)
    }
    return value
  }
}
