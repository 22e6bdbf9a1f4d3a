import { Command } from 'commander'
import type { SpaceView } from '../../shared/api.ts'
import { formatBytes } from '../benchmarks/bytes.ts'
import { importSpaceView, listSpaceViews, removeSpace, showSpace } from '../services/api/spaces.ts'
import { loadedUserSpace, loadStoredNetwork, userSpacesRoot } from '../user-spaces/index.ts'
import { EpsinasError } from '../../shared/errors.ts'

/** Hex digits of a file's SHA-256 that `space show` prints (enough to tell files apart by eye). */
const SHA_PREFIX = 12

/** `epsinas space import|list|show|remove`: search spaces, built-in and imported from ONNX files. */
export function spaceCommand(): Command {
  const space = new Command('space').description(`search spaces: the built-in ones and those imported from ONNX files (stored in ${userSpacesRoot('$EPSINAS_HOME')})`)

  space
    .command('import')
    .argument('<name>', 'id of the new space: a lower-case word of letters, digits and -')
    .argument('<path>', 'a folder of .onnx files (one architecture each, named by their file) or one .onnx file')
    .option('--allow-folded-bn', 'accept models whose BatchNormalization was folded into the convolutions by an eval-mode export (scored as exported, with a warning)')
    .description(
      'validate every file, then copy them into the data folder as a search space (importing an existing name replaces that space; cached scores of unchanged files are reused, changed files are scored again)',
    )
    .action((name: string, path: string, options: { allowFoldedBn?: boolean }) => {
      const view = importSpaceView({ name, path, allowFoldedBn: options.allowFoldedBn === true })
      const lines = [`imported ${view.id}: ${view.size} architectures, input ${shapeText(view)}, datasets ${view.datasets.join(', ')} (stored in ${loadedUserSpace(view.id)?.folder})`]
      lines.push(...view.warnings.map((warning) => `warning: ${warning}`))
      process.stdout.write(`${lines.join('\n')}\n`)
    })

  space
    .command('list')
    .description('every search space: name, kind, architectures, input shape, datasets, source')
    .option('--json', 'print JSON instead of a table')
    .action((options: { json?: boolean }) => {
      const views = listSpaceViews()
      if (options.json) process.stdout.write(`${JSON.stringify(views, null, 1)}\n`)
      else process.stdout.write(`${formatTable(views)}\n`)
    })

  space
    .command('show')
    .argument('<name>')
    .description('one space: its settings, and for an imported one each architecture (file hash, size, ONNX op counts) and the import warnings')
    .action((name: string) => {
      process.stdout.write(`${formatDetails(name)}\n`)
    })

  space
    .command('remove')
    .argument('<name>')
    .description('delete an imported space (its stored files; cached scores stay, keyed by file hash)')
    .action((name: string) => {
      removeSpace(name)
      process.stdout.write(`removed search space ${name}\n`)
    })

  return space
}

/** `3x32x32`, or `text` for token spaces. */
function shapeText(view: SpaceView): string {
  return view.inputShape === null ? 'text' : view.inputShape.join('x')
}

function formatTable(views: readonly SpaceView[]): string {
  const header = ['name', 'kind', 'archs', 'input', 'datasets', 'source']
  const rows = views.map((view) => [view.id, view.kind, view.size === null ? 'unbounded' : String(view.size), shapeText(view), view.datasets.join(','), view.source ?? '-'])
  const widths = header.map((_, column) => Math.max(header[column].length, ...rows.map((row) => row[column].length)))
  return [header, ...rows].map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join('  ')).join('\n')
}

function formatDetails(name: string): string {
  const { space, archs } = showSpace(name)
  const lines = [
    `${space.id}: ${space.title} (${space.kind})`,
    `architectures: ${space.size === null ? 'unbounded' : space.size}`,
    `input: ${shapeText(space)}`,
    `datasets: ${space.datasets.join(', ')}`,
    `default weights: ${space.defaultWeights.join(', ')}`,
  ]
  const user = loadedUserSpace(name)
  if (!user) return lines.join('\n')
  lines.push(`source: ${space.source}`, `imported: ${space.importedAt}`, `stored in: ${user.folder}`)
  if (user.manifest.allowFoldedBn) lines.push('folded BatchNormalization allowed (--allow-folded-bn)')
  const totals = new Map<string, number>()
  const width = Math.max('arch'.length, ...archs.map((arch) => arch.id.length))
  lines.push('', `${'arch'.padEnd(width)}  ${'sha256'.padEnd(SHA_PREFIX)}  ${'size'.padStart(9)}  ops`)
  for (const arch of user.manifest.archs) {
    let ops: string
    try {
      const counts = loadStoredNetwork(user.manifest, user.folder, arch).opCounts
      for (const [op, count] of Object.entries(counts)) totals.set(op, (totals.get(op) ?? 0) + count)
      ops = Object.values(counts).reduce((a, b) => a + b, 0).toString()
    } catch (error) {
      // One unreadable stored copy is reported on its line; the others still show.
      ops = `unreadable: ${error instanceof EpsinasError ? error.message : String(error)}`
    }
    lines.push(`${arch.id.padEnd(width)}  ${arch.sha256.slice(0, SHA_PREFIX)}  ${formatBytes(arch.bytes).padStart(9)}  ${ops}`)
  }
  const byCount = [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  lines.push('', `ONNX ops (all architectures): ${byCount.map(([op, count]) => `${op} ${count}`).join(', ')}`)
  lines.push(...(space.warnings.length === 0 ? ['warnings: none'] : space.warnings.map((warning) => `warning: ${warning}`)))
  return lines.join('\n')
}
