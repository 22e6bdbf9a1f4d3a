import { existsSync } from 'node:fs'
import { EpsinasError } from '../../../shared/errors.ts'
import { itemPaths } from '../../benchmarks/install/layout.ts'
import { NBNLP_STEPS, PTB_VOCABULARY, tokenMinibatch } from '../../core/spaces/nbnlp/index.ts'
import { dataDirectory } from '../../services/paths.ts'
import type { Minibatch } from '../minibatch.ts'
import { ptbBatch, readPtbCorpus, type PtbCorpus } from './ptb.ts'

/** The catalogue item holding the Penn Treebank text (resources/catalogue.json). */
export const PTB_ITEM = 'ptb-text'

// A worker scores many tasks: read and tokenise the 5 MB training text once per folder.
const corpora = new Map<string, Promise<PtbCorpus>>()

/** The installed PTB folder; BAD_FILE naming the command that installs it when absent (checked before a job exists, too). */
export function installedPtbDir(): string {
  const dir = itemPaths(dataDirectory(), PTB_ITEM).dir
  if (!existsSync(dir)) {
    throw new EpsinasError('BAD_FILE', `--space nbnlp --input real needs the PTB text, which is not installed in ${dir}: run epsinas data download ${PTB_ITEM}`)
  }
  return dir
}

/**
 * `--space nbnlp --input real`: the NB-NLP scoring batch from the installed PTB text, as the
 * reference takes it (batchify the training ids into `batchSize` columns, the first 70 rows for seed
 * 0, a seeded start otherwise; data/readers/ptb.ts). A missing item is BAD_FILE naming the command
 * that installs it; a vocabulary larger than the model's embedding is BAD_FILE too.
 */
export async function installedPtbTokens(batchSize: number, seed: number): Promise<Minibatch> {
  const dir = installedPtbDir()
  let corpus = corpora.get(dir)
  if (!corpus) {
    corpus = readPtbCorpus(dir)
    corpora.set(dir, corpus)
    corpus.catch(() => corpora.delete(dir))
  }
  const loaded = await corpus
  if (loaded.vocabulary.length > PTB_VOCABULARY) {
    throw new EpsinasError('BAD_FILE', `${dir}: the text has ${loaded.vocabulary.length} distinct words; the benchmark's model embeds ${PTB_VOCABULARY}`)
  }
  const batch = ptbBatch(loaded, { batchSize, steps: NBNLP_STEPS, seed })
  return tokenMinibatch(batch, `ptb:seed=${seed}`)
}
