import { EpsinasError } from '../../shared/errors.ts'
import type { InputSource } from '../../shared/types.ts'
import type { MinibatchSource } from './minibatch.ts'
import { greySource, normalSource, uniformPositiveSource, uniformSource } from './synthetic.ts'

export type { ImageBatchShape, Minibatch, MinibatchSource } from './minibatch.ts'
export { greySource, normalSource, uniformPositiveSource, uniformSource } from './synthetic.ts'

const SOURCES: Record<InputSource, MinibatchSource> = {
  grey: greySource,
  normal: normalSource,
  uniform: uniformSource,
  'uniform-pos': uniformPositiveSource,
}

/** The minibatch source behind an input name; unknown names get a BAD_ARGUMENT error listing the valid ones. */
export function minibatchSource(input: string): MinibatchSource {
  const source = Object.hasOwn(SOURCES, input) ? SOURCES[input as InputSource] : undefined
  if (!source) throw new EpsinasError('BAD_ARGUMENT', `unknown input source '${input}' (expected one of ${Object.keys(SOURCES).join(', ')})`)
  return source
}
