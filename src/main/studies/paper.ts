/**
 * The paper's ablation tables (arXiv 2302.04406v2, appendix section 3), copied row for row from its
 * text so the studies print them beside ours. Each row is kept as the paper prints it and parsed once:
 * typing 200 numbers by hand into objects is where a transcription error would hide.
 */

/** One row of a paper table: the columns of metric.md section 5 (archs: the non-NaN count; absent in Table 11). */
export interface PaperRow {
  archs: number | null
  spearman: number
  spearman_top10: number
  kendall: number
  kendall_top10: number
  top10_top10: number
  top64_top5: number
}

/** A paper table: its number, caption in short, and rows keyed by the study's row key. */
export interface PaperTable {
  table: string
  caption: string
  rows: ReadonlyMap<string, PaperRow>
}

/** "key | archs rho rho10 tau tau10 top10 top64" (archs left out when `withArchs` is false). */
function parseRows(text: string, withArchs: boolean): Map<string, PaperRow> {
  const rows = new Map<string, PaperRow>()
  for (const line of text.trim().split('\n')) {
    const [key, numbers] = line.split('|').map((part) => part.trim())
    const values = numbers.split(/\s+/).map(Number)
    const archs = withArchs ? (values.shift() ?? null) : null
    const stats = values
    if (stats.length !== 6 || stats.some((value) => !Number.isFinite(value))) throw new Error(`paper row '${line}' does not have 6 statistics`)
    const [spearman, spearman_top10, kendall, kendall_top10, top10_top10, top64_top5] = stats
    rows.set(key, { archs, spearman, spearman_top10, kendall, kendall_top10, top10_top10, top64_top5 })
  }
  return rows
}

/** Key of a weight pair in the weights tables: the two exponents, e.g. "-7,0" for (1e-7, 1). */
export function exponentKey(low: number, high: number): string {
  return `${low},${high}`
}

const TABLE_5_NB101 = `
-4,-3 | 2120 0.47 0.41 0.33 0.28 38.21 23
-4,-2 | 2120 0.61 0.03 0.43 0.02 41.98 24
-4,-1 | 2120 0.61 0.03 0.43 0.02 41.98 24
-4,0 | 2120 0.61 0.03 0.43 0.02 41.98 24
-3,-2 | 4968 0.29 -0.05 0.20 -0.03 17.30 10
-3,-1 | 4968 0.29 -0.05 0.19 -0.03 17.30 8
-3,0 | 4968 0.29 -0.05 0.19 -0.03 17.30 8
-2,-1 | 5000 0.21 -0.12 0.14 -0.08 4.60 0
-2,0 | 5000 0.21 -0.12 0.14 -0.08 4.60 0
-1,0 | 5000 -0.47 0.04 -0.32 0.03 0.20 0`

const TABLE_6_NB201 = `
-7,-6 | 2957 0.33 -0.20 0.22 -0.13 4.76 1
-7,-5 | 2957 0.39 -0.06 0.29 -0.04 9.15 2
-7,-4 | 2957 0.47 -0.01 0.32 0.00 9.12 2
-7,-3 | 2957 0.62 0.06 0.43 0.05 18.92 3
-7,-2 | 2957 0.83 0.69 0.64 0.49 68.40 56
-7,-1 | 2957 0.84 0.64 0.65 0.46 68.03 56
-7,0 | 2957 0.87 0.59 0.70 0.43 65.88 45
-6,-5 | 2957 0.41 -0.06 0.30 -0.04 9.15 2
-6,-4 | 2957 0.47 -0.01 0.32 0.00 9.12 2
-6,-3 | 2957 0.62 0.06 0.43 0.05 18.92 3
-6,-2 | 2957 0.83 0.69 0.64 0.49 68.40 56
-6,-1 | 2957 0.84 0.64 0.65 0.46 68.03 56
-6,0 | 2957 0.87 0.59 0.70 0.43 65.88 45
-5,-4 | 2957 0.47 -0.01 0.32 0.00 9.12 2
-5,-3 | 2957 0.62 0.06 0.43 0.05 18.92 3
-5,-2 | 2957 0.83 0.69 0.64 0.49 68.40 56
-5,-1 | 2957 0.84 0.64 0.65 0.46 68.03 56
-5,0 | 2957 0.87 0.59 0.70 0.43 65.88 45
-4,-3 | 2957 0.62 0.06 0.43 0.05 19.26 3
-4,-2 | 2957 0.82 0.69 0.63 0.49 68.42 56
-4,-1 | 2957 0.84 0.64 0.65 0.46 68.14 56
-4,0 | 2957 0.87 0.58 0.69 0.42 65.88 46
-3,-2 | 4802 0.25 0.41 0.17 0.28 30.35 52
-3,-1 | 4802 0.31 0.27 0.20 0.19 26.82 25
-3,0 | 4802 0.31 0.22 0.21 0.15 26.26 6
-2,-1 | 4907 0.15 0.42 0.10 0.29 37.47 57
-2,0 | 4907 0.12 0.39 0.06 0.27 35.85 57
-1,0 | 4907 0.01 0.26 -0.03 0.16 0.84 0`

const TABLE_7_NBNLP = `
-7,-6 | 2393 -0.24 0.32 -0.16 0.22 0.00 0
-7,-5 | 2391 -0.22 0.52 -0.15 0.39 1.67 0
-7,-4 | 2388 -0.35 0.49 -0.24 0.37 0.42 1
-7,-3 | 2332 -0.42 0.50 -0.29 0.37 2.99 1
-7,-2 | 1215 -0.30 0.13 -0.21 0.09 4.20 1
-7,-1 | 585 -0.49 0.55 -0.36 0.44 1.69 1
-7,0 | 403 -0.12 0.08 -0.08 -0.00 12.20 7
-6,-5 | 3286 -0.11 0.49 -0.07 0.36 0.91 0
-6,-4 | 3283 -0.24 0.47 -0.16 0.34 0.62 0
-6,-3 | 3226 -0.33 0.44 -0.23 0.33 4.64 1
-6,-2 | 1639 -0.26 0.13 -0.18 0.09 3.40 2
-6,-1 | 841 -0.41 0.13 -0.28 0.12 10.71 1
-6,0 | 594 -0.09 0.13 -0.06 0.08 11.67 7
-5,-4 | 3948 -0.32 0.30 -0.21 0.22 0.51 0
-5,-3 | 3892 -0.35 0.20 -0.24 0.16 3.85 2
-5,-2 | 1900 -0.32 0.27 -0.22 0.18 2.86 1
-5,-1 | 913 -0.38 0.31 -0.28 0.25 13.04 1
-5,0 | 649 -0.18 0.36 -0.12 0.25 10.77 7
-4,-3 | 3987 -0.35 0.18 -0.24 0.14 3.76 0
-4,-2 | 1943 -0.37 0.38 -0.26 0.25 3.59 1
-4,-1 | 925 -0.43 0.26 -0.30 0.21 11.83 1
-4,0 | 663 -0.26 0.35 -0.18 0.24 10.45 7
-3,-2 | 1936 -0.32 0.40 -0.21 0.26 2.59 3
-3,-1 | 918 -0.38 0.27 -0.30 0.22 8.70 2
-3,0 | 663 -0.23 -0.20 -0.19 -0.17 7.46 5
-2,-1 | 910 -0.36 0.04 -0.25 0.02 8.79 2
-2,0 | 654 -0.25 0.06 -0.16 0.04 9.09 5
-1,0 | 652 -0.27 0.20 -0.19 0.13 10.61 7`

/** Keys: our init scheme names (proxies/parameters.ts INIT_SCHEMES). */
const TABLE_9_INIT = `
uniform | 15284 0.14 -0.17 0.09 -0.11 3.07 7
normal | 15284 0.44 -0.29 0.30 -0.20 20.07 4
kaiming-uniform | 15284 0.32 0.11 0.21 0.07 27.40 26
kaiming-normal | 15284 0.49 -0.29 0.33 -0.20 17.86 7
orthogonal | 15284 0.41 -0.20 0.28 -0.13 15.11 1`

/** Keys: our embedding variant names (studies/embedding). */
const TABLE_10_EMBEDDING = `
uniform-pos-0.1 | 782 -0.38 0.17 -0.26 0.15 3.80 2
uniform-pos-1 | 776 -0.37 0.21 -0.26 0.18 2.56 2
uniform-centred-0.1 | 783 -0.40 0.18 -0.28 0.15 2.53 2
uniform-centred-1 | 782 -0.46 0.18 -0.33 0.16 1.27 1
normal-0.1 | 783 -0.42 0.18 -0.29 0.15 2.53 2
normal-1 | 782 -0.47 0.19 -0.33 0.16 1.27 1`

/** Keys: our --input names. */
const TABLE_11_INPUTS = `
real | 0.87 0.59 0.70 0.43 65.88 45
grey | 0.87 0.44 0.68 0.31 59.46 34
normal | 0.54 0.15 0.38 0.14 14.97 3
uniform | 0.56 0.17 0.40 0.16 14.19 3
uniform-pos | 0.61 0.17 0.43 0.16 16.22 4`

/** The weights tables by space and dataset: Table 5 (NB101 CIFAR-10), 6 (NB201 CIFAR-10), 7 (NB-NLP PTB). */
export const PAPER_WEIGHTS_TABLES: ReadonlyArray<{ space: string; dataset: string; exponents: [number, number]; paper: PaperTable }> = [
  { space: 'nb101', dataset: 'cifar10', exponents: [-4, 0], paper: { table: 'Table 5', caption: 'NAS-Bench-101, CIFAR-10, 5,000 random archs', rows: parseRows(TABLE_5_NB101, true) } },
  { space: 'nb201', dataset: 'cifar10', exponents: [-7, 0], paper: { table: 'Table 6', caption: 'NAS-Bench-201, CIFAR-10, 5,000 random archs', rows: parseRows(TABLE_6_NB201, true) } },
  { space: 'nbnlp', dataset: 'ptb', exponents: [-7, 0], paper: { table: 'Table 7', caption: 'NAS-Bench-NLP, PTB, 5,000 random archs', rows: parseRows(TABLE_7_NBNLP, true) } },
]

/**
 * Table 9: initialisation schemes. The caption says 5,000 archs, its n (15,284) is all of NB201 less
 * NaN; the reference notebook (NAS-Bench-201/Ablations.ipynb) runs CIFAR-10, batch 256, real data.
 */
export const PAPER_INIT_TABLE_ON = { space: 'nb201', dataset: 'cifar10' } as const
export const PAPER_INIT_TABLE: PaperTable = { table: 'Table 9', caption: 'NAS-Bench-201, CIFAR-10, all archs, two random initialisations', rows: parseRows(TABLE_9_INIT, true) }

/** Table 10: NAS-Bench-NLP, PTB, embedding initialisations, weights (1e-5, 1e-3). */
export const PAPER_EMBEDDING_TABLE: PaperTable = { table: 'Table 10', caption: 'NAS-Bench-NLP, PTB, 5,000 random archs', rows: parseRows(TABLE_10_EMBEDDING, true) }

/** Table 11: NAS-Bench-201, CIFAR-10, batch 256, weights (1e-7, 1), 5,000 archs; the space and dataset it is on, as data like the weights tables. */
export const PAPER_INPUTS_TABLE_ON = { space: 'nb201', dataset: 'cifar10' } as const
export const PAPER_INPUTS_TABLE: PaperTable = { table: 'Table 11', caption: 'NAS-Bench-201, CIFAR-10, batch 256, weights (1e-7, 1), 5,000 archs', rows: parseRows(TABLE_11_INPUTS, false) }

/** The batch study has no table in the paper: Figure 4 plots it (NB201, three datasets, batches 8..1024, 10 batches each). */
export const PAPER_BATCH_FIGURE = { table: 'Figure 4', caption: 'a plot, no table: NAS-Bench-201 on its three datasets, real data, batches 8..1024, 10 random batches each; the text: almost no gain over 256' } as const
