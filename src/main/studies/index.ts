/** `epsinas study`: the paper's ablations (weights, batch size, synthetic inputs, initialisation schemes, NB-NLP embedding) as tables beside the paper's; pure. */
export { PAPER_BATCH_FIGURE, PAPER_EMBEDDING_TABLE, PAPER_INIT_TABLE, PAPER_INPUTS_TABLE, PAPER_WEIGHTS_TABLES, exponentKey, type PaperRow, type PaperTable } from './paper.ts'
export { PAPER_BATCHES, STUDY_INPUTS, STUDY_KINDS, paperWeightsTable, planBatch, planEmbedding, planInit, planInputs, planWeights, type StudyBase, type StudyCell, type StudyKind, type StudyPlan, type StudyRowPlan } from './plan.ts'
export { STAT_KEYS, buildStudyRows, formatStudyTable, type StatKey, type StudyRowResult } from './table.ts'
