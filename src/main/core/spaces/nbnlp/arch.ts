import { EpsinasError, quoteInput } from '../../../../shared/errors.ts'
import { formatRecepie, jsonValue, parseRecepie, type Recepie } from './recepie.ts'
import { DEFAULT_NBNLP_EMBEDDING, NBNLP_EMBEDDINGS } from './embedding.ts'

/**
 * One NAS-Bench-NLP architecture: a recepie plus the language model's hyper-parameters, which the
 * benchmark stores in each training log next to the recepie. Every log of the benchmark uses the
 * defaults below (main_one_model_train.py: emsize 400, nhid 600, nlayers 3, tied weights).
 */
export interface NbnlpArch {
  readonly recepie: Recepie
  /** Embedding size (= hidden size of the last layer when tied). */
  readonly emsize: number
  /** Hidden size of the other layers. */
  readonly nhid: number
  readonly nlayers: number
  /** Tied encoder/decoder: the last layer's hidden size is emsize instead of nhid. */
  readonly tied: boolean
  /**
   * The embedding's initialisation (a name of NBNLP_EMBEDDINGS, paper Table 10); absent: the
   * reference's U[0, 1). It is part of the network, so it travels in the arch and its cache key,
   * which names it only when it is not the default (every key from before stays the same).
   */
  readonly embedding?: string
}

export const NBNLP_DEFAULTS = { emsize: 400, nhid: 600, nlayers: 3, tied: true } as const

/** Largest accepted layer size: far above the benchmark's, low enough to keep a mistake from exhausting memory. */
const MAX_SIZE = 8192
const MAX_LAYERS = 16

function bad(message: string): never {
  throw new EpsinasError('BAD_ARCH', message)
}

function integer(value: unknown, name: string, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    bad(`${name} must be an integer from 1 to ${max}, got ${quoteInput(value)}`)
  }
  return value
}

/** True for the training-log form: a "recepie" member that is JSON text or an object of nodes (not itself a node). */
function isLogForm(value: Record<string, unknown>): boolean {
  const recepie = value.recepie
  if (typeof recepie === 'string') return true
  return typeof recepie === 'object' && recepie !== null && !Array.isArray(recepie) && !('op' in recepie)
}

/**
 * Parses an architecture: a bare recepie object (hyper-parameters default), or an object with a
 * "recepie" member (JSON text or object) and optional emsize / nhid / nlayers / tied, which is what a
 * training-log JSON file is (its other members are ignored). Accepts the value or its JSON text.
 */
export function parseNbnlpArch(source: unknown): NbnlpArch {
  const value = jsonValue(source, bad)
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    bad('expected a recepie JSON object, or an object with a "recepie" member (a training log)')
  }
  const record = value as Record<string, unknown>
  if (!isLogForm(record)) return { recepie: parseRecepie(record), ...NBNLP_DEFAULTS }
  const tied = record.tied ?? NBNLP_DEFAULTS.tied
  if (typeof tied !== 'boolean') bad(`tied must be true or false, got ${quoteInput(tied)}`)
  const embedding = record.embedding ?? DEFAULT_NBNLP_EMBEDDING
  if (typeof embedding !== 'string' || !Object.hasOwn(NBNLP_EMBEDDINGS, embedding)) {
    bad(`embedding must be one of ${Object.keys(NBNLP_EMBEDDINGS).join(', ')}, got ${quoteInput(embedding)}`)
  }
  return {
    recepie: parseRecepie(record.recepie),
    emsize: integer(record.emsize ?? NBNLP_DEFAULTS.emsize, 'emsize', MAX_SIZE),
    nhid: integer(record.nhid ?? NBNLP_DEFAULTS.nhid, 'nhid', MAX_SIZE),
    nlayers: integer(record.nlayers ?? NBNLP_DEFAULTS.nlayers, 'nlayers', MAX_LAYERS),
    tied,
    ...(embedding === DEFAULT_NBNLP_EMBEDDING ? {} : { embedding }),
  }
}

/** The normal written form (the cache key): hyper-parameters always explicit, the embedding only when not the default, nodes sorted by name. */
export function formatNbnlpArch(arch: NbnlpArch): string {
  const embedding = arch.embedding === undefined || arch.embedding === DEFAULT_NBNLP_EMBEDDING ? {} : { embedding: arch.embedding }
  return JSON.stringify({ emsize: arch.emsize, nhid: arch.nhid, nlayers: arch.nlayers, tied: arch.tied, ...embedding, recepie: formatRecepie(arch.recepie) })
}

/** The arch with its embedding set to `variant` (paper Table 10), or BAD_ARCH naming the variants. */
export function withNbnlpEmbedding(arch: NbnlpArch, variant: string): NbnlpArch {
  if (!Object.hasOwn(NBNLP_EMBEDDINGS, variant)) bad(`embedding must be one of ${Object.keys(NBNLP_EMBEDDINGS).join(', ')}, got ${quoteInput(variant)}`)
  return { ...arch, embedding: variant }
}

/** The arch (any written form) with its embedding set to `variant` (paper Table 10), in normal written form. */
export function nbnlpArchWithEmbedding(source: string, variant: string): string {
  return formatNbnlpArch(withNbnlpEmbedding(parseNbnlpArch(source), variant))
}

/** Parse + format: the arch's cache key, or BAD_ARCH. */
export function normalizeNbnlpArch(source: string): string {
  return formatNbnlpArch(parseNbnlpArch(source))
}
