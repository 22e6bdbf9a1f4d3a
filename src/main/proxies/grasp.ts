import type { Tensor } from '@tensorflow/tfjs-core'
import { activateBackend } from '../core/backends/tfjs/runtime.ts'
import { lossGradients } from './gradients.ts'
import { imageTensor, layerTensors } from './network.ts'
import { finiteOrNull, type Proxy } from './proxy.ts'
import { crossEntropyTangent, gradientOfTangentObjective } from './tangents.ts'
import { EpsinasError } from '../../shared/errors.ts'

/**
 * GraSP (Wang et al., ICLR 2020; NASLib `grasp`, T = 1, one iteration): g = dL/dtheta of the
 * cross-entropy over every conv/linear weight (held constant), Hg = the Hessian of L times g, and
 * the score is sum over those weights of -theta * Hg. BatchNorm in train mode.
 *
 * Hg exactly, as NASLib's double backprop gives it (autograd.grad with create_graph, then the gradient
 * of g . grad L), but taken as the gradient of the derivative of L along g: that derivative is a
 * forward-mode product computed beside the forward pass (tangents.ts), so one ordinary tfjs gradient
 * gives Hg. g is the backward pass snip and grad_norm share (NASLib also takes it in a pass of its
 * own, without create_graph).
 */
export const graspProxy: Proxy = {
  id: 'grasp',
  title: 'GraSP',
  needs: { forward: true, gradients: true, labels: true },
  // Revision 1 took Hg by a central difference of gradients, whose truncation error on NB201 networks was large.
  revision: 2,
  compute(network, batch, { runtime }) {
    const { tf } = runtime
    const g = lossGradients(runtime, network, batch)
    activateBackend(runtime)
    // Results leave tf.tidy through a variable: tidy walks whatever it returns.
    let score = 0
    tf.tidy(() => {
      const layers = layerTensors(tf, network.parameters)
      const nodes = [...layers.keys()]
      const directions = new Map(nodes.map((id, k) => [id, tf.tensor(g[k].gradient, layers.get(id)!.weight.shape)]))
      const x = imageTensor(tf, batch.data, batch.shape)
      const { gradients: hessianTimesG } = gradientOfTangentObjective(tf, network.graph, layers, directions, x, { batchnorm: true }, (output, tangent) => {
        if (!tangent) throw new EpsinasError('BAD_ARGUMENT', 'grasp: the network\'s output does not depend on its weights')
        return crossEntropyTangent(tf, output, tangent, batch.labels, batch.classes)
      })
      // Summed in float64 over float32 values, as the other gradient proxies sum theirs.
      g.forEach(({ weight }, k) => {
        const hg = hessianTimesG.get(nodes[k])!
        for (let i = 0; i < weight.length; i++) score -= weight[i] * hg[i]
      })
    })
    return finiteOrNull(score)
  },
}
