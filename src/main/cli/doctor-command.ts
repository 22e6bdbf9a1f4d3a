import { Command } from 'commander'
import { diagnoseBackends } from '../gpu/diagnose.ts'
import type { BackendDiagnosis } from '../../shared/api.ts'

/** One line per backend: mark (* in use, + available, - not), id, role, why. */
export function formatDiagnoses(diagnoses: readonly BackendDiagnosis[]): string {
  const width = Math.max(...diagnoses.map((d) => d.id.length))
  const lines = diagnoses.map((d) => `${d.used ? '*' : d.available ? '+' : '-'} ${d.id.padEnd(width)}  ${d.role}: ${d.reason}`)
  return `${lines.join('\n')}\n(* in use, + available, - not available here)\n`
}

/** `epsinas doctor`: which backends run here and why, the same list as the Settings page (docs/gpu.md). */
export function doctorCommand(): Command {
  return new Command('doctor')
    .description('list the compute backends (collapsed kernels, TensorFlow.js, WebGPU, evaluated GPU packages): which run here, which one --backend auto uses, and why')
    .option('--json', 'print the list as JSON')
    .action(async (options: { json?: boolean }) => {
      const diagnoses = await diagnoseBackends()
      process.stdout.write(options.json ? `${JSON.stringify(diagnoses, null, 2)}\n` : formatDiagnoses(diagnoses))
    })
}
