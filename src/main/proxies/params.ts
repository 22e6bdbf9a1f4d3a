import { countParameters } from '../core/ir/parameters.ts'
import type { Proxy } from './proxy.ts'

/** Trainable parameters, counted from the IR as PyTorch's sum(p.numel()) counts the reference net (ir/parameters.ts). */
export const paramsProxy: Proxy = {
  id: 'params',
  title: 'parameter count',
  needs: { forward: false, gradients: false, labels: false },
  compute: (network) => countParameters(network.graph),
}
