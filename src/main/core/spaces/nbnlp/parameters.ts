import type { NbnlpArch } from './arch.ts'
import { PTB_VOCABULARY } from './embedding.ts'

/**
 * The trainable parameters of the benchmark's AWDRNNModel (model.py), as its logs' `num_params`
 * counts them. The scored network cannot be counted instead: it is unrolled over the time steps
 * (each cell's weights would count once per step), leaves out dead nodes and stops before the decoder.
 * - encoder: vocabulary x emsize;
 * - per layer, every linear node of the recepie (dead ones too: the reference builds them all) is a
 *   MultiLinear: one hidden x size weight per operand (size: the layer input for `x`, else hidden)
 *   plus one bias of hidden;
 * - decoder: vocabulary biases, plus its own weight unless tied to the encoder's (shared: counted once).
 */
export function nbnlpParameterCount(arch: NbnlpArch, vocabulary = PTB_VOCABULARY): number {
  let total = vocabulary * arch.emsize
  for (let layer = 0; layer < arch.nlayers; layer++) {
    const inputSize = layer === 0 ? arch.emsize : arch.nhid
    const hidden = layer === arch.nlayers - 1 && arch.tied ? arch.emsize : arch.nhid
    for (const node of arch.recepie.nodes) {
      if (node.op !== 'linear') continue
      total += hidden + node.inputs.reduce((sum, name) => sum + (name === 'x' ? inputSize : hidden) * hidden, 0)
    }
  }
  // The decoder is Linear(nhid, vocabulary); tied, its weight is the encoder's.
  return total + vocabulary + (arch.tied ? 0 : arch.nhid * vocabulary)
}
