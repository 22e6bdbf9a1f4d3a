/**
 * What each study scores: its rows, each row one or more cells, each cell one score configuration
 * over the sample (a score job: cached, resumable). Pure: the caller says what is installed.
 */
import { exponentGrid, gridPairs, weightsOf } from '../core/weights/index.ts'
import type { DatasetId, InputSource, WeightPair } from '../../shared/types.ts'
import type { InitScheme } from '../proxies/parameters.ts'
import { exponentKey, PAPER_BATCH_FIGURE, PAPER_EMBEDDING_TABLE, PAPER_INIT_TABLE, PAPER_INIT_TABLE_ON, PAPER_INPUTS_TABLE, PAPER_INPUTS_TABLE_ON, PAPER_WEIGHTS_TABLES, type PaperRow, type PaperTable } from './paper.ts'

export const STUDY_KINDS = ['weights', 'batch', 'inputs', 'init', 'embedding'] as const
export type StudyKind = (typeof STUDY_KINDS)[number]

/** One score configuration over the sample. */
export interface StudyCell {
  weights: WeightPair
  batch: number
  input: InputSource
  inputSeed: number
  /** NB-NLP: the embedding variant the sample's archs are scored with (core/spaces/nbnlp NBNLP_EMBEDDINGS); absent: as written. */
  embedding?: string
  /** The init study: two random initialisations of this scheme (proxies/parameters.ts) instead of the constant weights. */
  init?: InitScheme
}

/** One row of a study's table: its cells (several: repeats summarised by quartiles), the paper's row, or why it cannot be computed here. */
export interface StudyRowPlan {
  key: string
  label: string
  cells: StudyCell[]
  paper: PaperRow | null
  /** Set when the row cannot be computed here (cells empty): why. */
  unavailable?: string
}

export interface StudyPlan {
  kind: StudyKind
  /** The paper's table (or figure) this study reproduces, with why its values may not apply to this run. */
  paper: { table: string; caption: string } | null
  rows: StudyRowPlan[]
  notes: string[]
}

/** The configuration every cell starts from: the score options of the command. */
export interface StudyBase {
  space: string
  dataset: DatasetId
  weights: WeightPair
  batch: number
  input: InputSource
  inputSeed: number
}

function paperTableRef(paper: PaperTable): { table: string; caption: string } {
  return { table: paper.table, caption: paper.caption }
}

/** The paper's weights table of a space and dataset (Tables 5-7), if it has one. */
export function paperWeightsTable(space: string, dataset: string): (typeof PAPER_WEIGHTS_TABLES)[number] | null {
  return PAPER_WEIGHTS_TABLES.find((entry) => entry.space === space && entry.dataset === dataset) ?? null
}

/** Every pair (10^a, 10^b), a < b, of the exponent range (default: the paper's range for the space, else -7..0). */
export function planWeights(base: StudyBase, exponents?: [number, number]): StudyPlan {
  const table = paperWeightsTable(base.space, base.dataset)
  const [low, high] = exponents ?? table?.exponents ?? [-7, 0]
  const rows = gridPairs(exponentGrid(low, high)).map((pair): StudyRowPlan => ({
    key: exponentKey(pair.low, pair.high),
    label: `1e${pair.low}, 1e${pair.high}`,
    cells: [{ ...base, weights: weightsOf(pair) }],
    paper: table?.paper.rows.get(exponentKey(pair.low, pair.high)) ?? null,
  }))
  const notes = table ? [] : [`the paper has no weights table for ${base.space} ${base.dataset} (Tables 5-7: nb101 cifar10, nb201 cifar10, nbnlp ptb)`]
  return { kind: 'weights', paper: table ? paperTableRef(table.paper) : null, rows, notes }
}

/** The paper's batch sizes (section 3.3). */
export const PAPER_BATCHES = [8, 16, 32, 64, 128, 256, 512, 1024] as const

/**
 * One row per batch size, `repeats` seeded batches each (input seeds inputSeed, inputSeed + 1, ...);
 * an unseeded input (grey) gives the same batch every time, so one cell per row.
 */
export function planBatch(base: StudyBase, batches: readonly number[], repeats: number, inputIsSeeded: boolean): StudyPlan {
  const cellsPerRow = inputIsSeeded ? repeats : 1
  const notes = !inputIsSeeded && repeats > 1 ? [`--input ${base.input} is the same batch for every seed: one batch per size, not ${repeats}`] : []
  const rows = batches.map((batch): StudyRowPlan => ({
    key: String(batch),
    label: `batch ${batch}`,
    cells: Array.from({ length: cellsPerRow }, (_, i) => ({ ...base, batch, inputSeed: base.inputSeed + i })),
    paper: null,
  }))
  return { kind: 'batch', paper: { ...PAPER_BATCH_FIGURE }, rows, notes }
}

/** The four synthetic inputs and real data, in Table 11's order. */
export const STUDY_INPUTS: readonly InputSource[] = ['real', 'grey', 'normal', 'uniform', 'uniform-pos']

const INPUT_LABELS: Record<InputSource, string> = { real: 'real data', grey: 'grey scale', normal: 'random normal', uniform: 'random uniform', 'uniform-pos': 'random uniform (+)' }

/**
 * One row per input; `unavailable` names the inputs that cannot be read here (real data not
 * installed) with why. The paper's Table 11 is NB201 CIFAR-10 only.
 */
export function planInputs(base: StudyBase, unavailable: ReadonlyMap<InputSource, string>): StudyPlan {
  const withPaper = base.space === PAPER_INPUTS_TABLE_ON.space && base.dataset === PAPER_INPUTS_TABLE_ON.dataset
  const rows = STUDY_INPUTS.map((input): StudyRowPlan => {
    const reason = unavailable.get(input)
    return {
      key: input,
      label: INPUT_LABELS[input],
      cells: reason === undefined ? [{ ...base, input }] : [],
      paper: withPaper ? (PAPER_INPUTS_TABLE.rows.get(input) ?? null) : null,
      ...(reason === undefined ? {} : { unavailable: reason }),
    }
  })
  const notes = withPaper ? [] : [`the paper's synthetic-input table (Table 11) is NB201 CIFAR-10 only: no paper values for ${base.space} ${base.dataset}`]
  return { kind: 'inputs', paper: withPaper ? paperTableRef(PAPER_INPUTS_TABLE) : null, rows, notes }
}

const INIT_LABELS: Record<Exclude<InitScheme, 'pytorch-default'>, string> = {
  uniform: 'uniform U[0, 1)',
  normal: 'normal N(0, 1)',
  'kaiming-uniform': 'Kaiming uniform (fan in)',
  'kaiming-normal': 'Kaiming normal (fan out)',
  orthogonal: 'orthogonal',
}

/**
 * One row per scheme of Table 9 (section 3.2), in its order: epsilon of two random initialisations
 * (seeds s, s + 1) of the full-width network. The paper's values apply to NB201 CIFAR-10 only.
 */
export function planInit(base: StudyBase, schemes: readonly Exclude<InitScheme, 'pytorch-default'>[]): StudyPlan {
  const withPaper = base.space === PAPER_INIT_TABLE_ON.space && base.dataset === PAPER_INIT_TABLE_ON.dataset
  const rows = schemes.map((scheme): StudyRowPlan => ({
    key: scheme,
    label: INIT_LABELS[scheme],
    cells: [{ ...base, init: scheme }],
    paper: withPaper ? (PAPER_INIT_TABLE.rows.get(scheme) ?? null) : null,
  }))
  const notes = withPaper ? [] : [`the paper's initialisation table (Table 9) is NB201 CIFAR-10 only: no paper values for ${base.space} ${base.dataset}`]
  return { kind: 'init', paper: withPaper ? paperTableRef(PAPER_INIT_TABLE) : null, rows, notes }
}

/** The paper's six embedding initialisations (section 3.4), in Table 10's order. */
const EMBEDDING_VARIANTS: ReadonlyArray<{ key: string; label: string }> = [
  { key: 'uniform-pos-0.1', label: 'uniform positive 0.1: U[0, 0.1]' },
  { key: 'uniform-pos-1', label: 'uniform positive 1: U[0, 1]' },
  { key: 'uniform-centred-0.1', label: 'uniform centred 0.1: U[-0.1, 0.1]' },
  { key: 'uniform-centred-1', label: 'uniform centred 1: U[-1, 1]' },
  { key: 'normal-0.1', label: 'random 0.1: N(0, 0.1)' },
  { key: 'normal-1', label: 'random 1: N(0, 1)' },
]

/**
 * NB-NLP only (the one space with an embedding): the six rows of Table 10, each the sample scored
 * with its embedding variant (the default, U[0, 1), under the archs' own cache keys).
 */
export function planEmbedding(base: StudyBase): StudyPlan {
  const rows = EMBEDDING_VARIANTS.map(({ key, label }): StudyRowPlan => ({
    key,
    label,
    cells: [{ ...base, embedding: key }],
    paper: PAPER_EMBEDDING_TABLE.rows.get(key) ?? null,
  }))
  return { kind: 'embedding', paper: paperTableRef(PAPER_EMBEDDING_TABLE), rows, notes: [] }
}
