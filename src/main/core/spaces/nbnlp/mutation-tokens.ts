import type { NbnlpArch } from './arch.ts'
import { DEFAULT_NBNLP_EMBEDDING } from './embedding.ts'

/**
 * A recepie as NASLib's NAS-Bench-NLP mutation sees it (naslib/search_spaces/nasbenchnlp/graph.py,
 * `mutate`): each step either moves one edge's source to another computed node before its target,
 * or changes one node's op to another of the same arity; nodes are never added or removed. So a
 * token per node, "name=op(inputs)", in name order (a mutation keeps the names, so the lists of a
 * parent and its child line up), after one token for the hyper-parameters: one NASLib mutation
 * changes exactly one token. Recepies with other node names line up less well and count as farther.
 * The hyper-parameter token names the embedding's initialisation (paper Table 10), so two archs that
 * differ only there are one token apart, not the same.
 */
export function nbnlpMutationTokens(arch: NbnlpArch): string[] {
  const nodes = [...arch.recepie.nodes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const embedding = arch.embedding ?? DEFAULT_NBNLP_EMBEDDING
  return [`${arch.emsize}/${arch.nhid}/${arch.nlayers}/${arch.tied}/${embedding}`, ...nodes.map((node) => `${node.name}=${node.op}(${node.inputs.join(',')})`)]
}
