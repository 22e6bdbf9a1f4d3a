import { homedir } from 'node:os'
import { join } from 'node:path'

/** Where the workbench keeps its data: $EPSINAS_HOME, else ~/.epsinas. */
export function dataDirectory(): string {
  return process.env.EPSINAS_HOME || join(homedir(), '.epsinas')
}

/** The default score cache. */
export function defaultDatabasePath(): string {
  return join(dataDirectory(), 'epsinas.db')
}
