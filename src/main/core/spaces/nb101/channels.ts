import { EpsinasError } from '../../../../shared/errors.ts'

/**
 * `ComputeVertexChannels` of the reference (egracheva/epsinas NAS-Bench-101/nas_101_api/model.py,
 * identical to nasbench lib/model_builder.py `compute_vertex_channels`): the output's channels are
 * split evenly among the vertices that feed the output, the first ones in vertex order taking one
 * extra channel each while the division leaves a remainder; every other inner vertex gets the
 * largest channel count among the vertices it feeds. vertex 0 has `inChannels`, the output `outChannels`.
 */
export function computeVertexChannels(inChannels: number, outChannels: number, matrix: readonly (readonly number[])[]): number[] {
  const v = matrix.length
  const last = v - 1
  const channels = new Array<number>(v).fill(0)
  channels[0] = inChannels
  channels[last] = outChannels
  if (v === 2) return channels

  // In-degree of the output counting inner vertices only (the input's edge is a projection, added).
  const fanIn = matrix.slice(1).reduce((sum, row) => sum + row[last], 0)
  const interior = Math.floor(outChannels / fanIn)
  let correction = outChannels % fanIn
  for (let vertex = 1; vertex < last; vertex++) {
    if (!matrix[vertex][last]) continue
    channels[vertex] = interior
    if (correction > 0) {
      channels[vertex]++
      correction--
    }
  }
  // Backwards, so every successor is set first; vertex last-1 can only feed the output.
  for (let vertex = v - 3; vertex > 0; vertex--) {
    if (!matrix[vertex][last]) {
      for (let dst = vertex + 1; dst < last; dst++) {
        if (matrix[vertex][dst]) channels[vertex] = Math.max(channels[vertex], channels[dst])
      }
    }
    if (!(channels[vertex] > 0)) throw new EpsinasError('INTERNAL', `vertex ${vertex} got ${channels[vertex]} channels`)
  }
  // The reference's sanity checks: channels never grow along an inner edge; the output's fan-in adds up.
  let finalFanIn = 0
  for (let vertex = 1; vertex < last; vertex++) {
    if (matrix[vertex][last]) finalFanIn += channels[vertex]
    for (let dst = vertex + 1; dst < last; dst++) {
      if (matrix[vertex][dst] && channels[vertex] < channels[dst]) {
        throw new EpsinasError('INTERNAL', `vertex ${vertex} (${channels[vertex]} channels) feeds vertex ${dst} (${channels[dst]})`)
      }
    }
  }
  if (finalFanIn !== outChannels) throw new EpsinasError('INTERNAL', `output fan-in ${finalFanIn} != ${outChannels} channels`)
  return channels
}
