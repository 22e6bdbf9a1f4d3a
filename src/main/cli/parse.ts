import { InvalidArgumentError } from 'commander'
import { cutInput } from '../../shared/errors.ts'

/** A commander parser for an integer option with a minimum. */
export function parseInteger(name: string, min: number): (text: string) => number {
  return (text) => {
    const value = Number(text)
    if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min) {
      throw new InvalidArgumentError(`${name} takes an integer >= ${min} (got '${cutInput(text)}')`)
    }
    return value
  }
}

/** A commander parser for a finite number option. */
export function parseNumber(name: string): (text: string) => number {
  return (text) => {
    const value = Number(text)
    if (text.trim() === '' || !Number.isFinite(value)) throw new InvalidArgumentError(`${name} takes a number (got '${cutInput(text)}')`)
    return value
  }
}
