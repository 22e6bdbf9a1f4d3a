import { GraphBuilder } from '../../src/main/core/ir/builder.ts'
import type { Graph } from '../../src/main/core/ir/graph.ts'
import { explicitParameters } from '../../src/main/proxies/parameters.ts'
import type { ProxyBatch, ProxyNetwork } from '../../src/main/proxies/proxy.ts'

/**
 * The tiny network of the proxy tests and its batch, from closed formulas that
 * /work/notes/issue15/tiny_proxies.py (PyTorch 1.13, float64, beside the project) repeats:
 * conv2d 2->3 k3 s1 p1 (no bias) -> BatchNorm2d (train mode, eps 1e-5) -> ReLU -> global average
 * pool -> Linear 3->2 with bias; N = 4 images of 2 x 4 x 4.
 */
export function tinyGraph(batch = 4): Graph {
  const b = new GraphBuilder()
  const x = b.input([batch, 2, 4, 4])
  const conv = b.add({ kind: 'conv2d', outChannels: 3, kernel: 3, stride: 1, pad: 1 }, [x], 'conv')
  const bn = b.add({ kind: 'batchnorm', eps: 1e-5 }, [conv], 'bn')
  const relu = b.add({ kind: 'relu' }, [bn], 'relu')
  const pool = b.add({ kind: 'globalavgpool' }, [relu], 'pool')
  return b.build(b.add({ kind: 'linear', outFeatures: 2 }, [pool], 'fc'))
}

const values = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i))

export function tinyNetwork(): ProxyNetwork {
  const graph = tinyGraph()
  const conv = graph.nodes.find((node) => node.label === 'conv')!.id
  const fc = graph.nodes.find((node) => node.label === 'fc')!.id
  const parameters = explicitParameters(
    graph,
    new Map([
      [conv, { weight: values(3 * 2 * 3 * 3, (i) => 0.5 * Math.sin(i + 1)) }],
      [fc, { weight: values(2 * 3, (i) => 0.3 * Math.cos(2 * i + 1)), bias: [0.1, -0.2] }],
    ]),
  )
  return { graph, parameters }
}

export function tinyBatch(): ProxyBatch {
  return {
    shape: [4, 2, 4, 4],
    data: Float32Array.from(values(4 * 2 * 4 * 4, (i) => Math.sin(0.37 * i * i + 0.1 * i))),
    labels: Int32Array.from([0, 1, 1, 0]),
    classes: 2,
  }
}

/**
 * The second tiny network (strided conv, both pools, a 1x1 conv) and its batch, as
 * /work/notes/issue15/tiny_proxies2.py builds it: conv 2->4 k3 s2 p1 -> BN -> ReLU -> avgpool k3 s1 p1
 * (count_include_pad False) + maxpool k3 s1 p1 -> conv1x1 4->3 -> ReLU -> global average pool ->
 * Linear 3->3 with bias; N = 3 images of 2 x 6 x 6.
 */
export function stridedNetwork(): ProxyNetwork {
  const b = new GraphBuilder()
  const x = b.input([3, 2, 6, 6])
  const c1 = b.add({ kind: 'conv2d', outChannels: 4, kernel: 3, stride: 2, pad: 1 }, [x], 'c1')
  const r1 = b.add({ kind: 'relu' }, [b.add({ kind: 'batchnorm', eps: 1e-5 }, [c1], 'bn')], 'r1')
  const avg = b.add({ kind: 'avgpool', kernel: 3, stride: 1, pad: 1, countIncludePad: false }, [r1], 'avg')
  const max = b.add({ kind: 'maxpool', kernel: 3, stride: 1, pad: 1 }, [r1], 'max')
  const c2 = b.add({ kind: 'conv2d', outChannels: 3, kernel: 1, stride: 1, pad: 0 }, [b.add({ kind: 'add' }, [avg, max], 'sum')], 'c2')
  const pool = b.add({ kind: 'globalavgpool' }, [b.add({ kind: 'relu' }, [c2], 'r2')], 'pool')
  const graph = b.build(b.add({ kind: 'linear', outFeatures: 3 }, [pool], 'fc'))
  const id = (label: string): number => graph.nodes.find((node) => node.label === label)!.id
  const parameters = explicitParameters(
    graph,
    new Map([
      [id('c1'), { weight: values(4 * 2 * 9, (i) => 0.4 * Math.sin(1.3 * i + 0.2)) }],
      [id('c2'), { weight: values(3 * 4, (i) => 0.6 * Math.cos(0.7 * i + 0.5)) }],
      [id('fc'), { weight: values(9, (i) => 0.5 * Math.sin(2.1 * i + 1.0)), bias: [0.05, -0.1, 0.2] }],
    ]),
  )
  return { graph, parameters }
}

export function stridedBatch(): ProxyBatch {
  return {
    shape: [3, 2, 6, 6],
    data: Float32Array.from(values(3 * 2 * 6 * 6, (i) => Math.cos(0.53 * i * i + 0.3 * i))),
    labels: Int32Array.from([2, 0, 1]),
    classes: 3,
  }
}
