import { Command, CommanderError } from 'commander'
import { scoreCommand } from './cli/score-command.ts'
import { statsCommand } from './cli/stats-command.ts'
import { jobsCommand } from './cli/jobs-command.ts'
import { sweepCommand } from './cli/sweep-command.ts'
import { selectWeightsCommand } from './cli/select-weights-command.ts'
import { serveCommand } from './cli/serve-command.ts'
import { dataCommand } from './cli/data-command.ts'
import { spaceCommand } from './cli/space-command.ts'
import { mergeCommand } from './cli/merge-command.ts'
import { slurmCommand } from './cli/slurm-command.ts'
import { searchCommand } from './cli/search-command.ts'
import { studyCommand } from './cli/study-command.ts'
import { proxiesCommand } from './cli/proxies-command.ts'
import { doctorCommand } from './cli/doctor-command.ts'
import { loadUserSpaces } from './user-spaces/index.ts'
import { EpsinasError, type ErrorCode } from '../shared/errors.ts'
import { kernelChoice } from './core/backends/wasm/heap.ts'

/** Exit status per error kind: 2 for bad input (fix the command), 130 for cancelled, 1 otherwise. */
function exitCode(code: ErrorCode): number {
  if (code === 'CANCELLED') return 130
  return code.startsWith('BAD_') ? 2 : 1
}

/** The headless entry: runs one command and returns the process exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  // Before the commands are built: their --space choices list the registered spaces, user ones included.
  loadUserSpaces({ warn: (line) => process.stderr.write(`epsinas: ${line}\n`) })
  const program = new Command('epsinas')
    .description('epsilon zero-cost NAS metric: score architectures, correlate with accuracy')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .addCommand(scoreCommand())
    .addCommand(statsCommand())
    .addCommand(sweepCommand())
    .addCommand(selectWeightsCommand())
    .addCommand(jobsCommand())
    .addCommand(serveCommand())
    .addCommand(dataCommand())
    .addCommand(spaceCommand())
    .addCommand(mergeCommand())
    .addCommand(slurmCommand())
    .addCommand(searchCommand())
    .addCommand(studyCommand())
    .addCommand(proxiesCommand())
    .addCommand(doctorCommand())
  const exitOverrideAll = (command: Command): void => {
    command.exitOverride()
    command.commands.forEach(exitOverrideAll)
  }
  exitOverrideAll(program)
  try {
    kernelChoice() // EPSINAS_KERNELS: a bad value is a one-line error before any work starts
    await program.parseAsync(argv as string[])
    return 0
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2
    if (error instanceof EpsinasError) {
      process.stderr.write(`epsinas: ${error.message}\n`)
      return exitCode(error.code)
    }
    process.stderr.write(`epsinas: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    return 1
  }
}
