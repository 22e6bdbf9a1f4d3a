import { existsSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { EpsinasError } from '../../../shared/errors.ts'
import { SeededRandom } from '../../core/random.ts'
import { readZip } from '../../benchmarks/archive/zip.ts'
import { asFileError } from '../../benchmarks/parsers/errors.ts'

/** The corpus as the NAS-Bench-NLP reference builds it (data.py Corpus). */
export interface PtbCorpus {
  /** Words by id: ids are given in first-seen order over train, then valid, then test. */
  vocabulary: string[]
  train: Int32Array
  valid: Int32Array
  test: Int32Array
}

const SPLITS = ['train', 'valid', 'test'] as const

// Python's str.split() whitespace: ASCII space and \t\n\v\f\r, \x1c-\x1f, \x85 and the Unicode
// spaces; JS \s differs (it includes \ufeff, lacks \x1c-\x1f and \x85).
const PY_WHITESPACE = /[\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/

/**
 * Tokenises the three texts as data.py does: for every line (universal newlines), `line.split()`
 * plus '<eos>'; a word gets the next id the first time it is seen, train first.
 */
export function buildPtbCorpus(texts: { train: string; valid: string; test: string }): PtbCorpus {
  const ids = new Map<string, number>()
  const vocabulary: string[] = []
  const tokenize = (text: string): Int32Array => {
    const lines = text.split(/\r\n|\r|\n/)
    if (lines.at(-1) === '') lines.pop()
    const out: number[] = []
    for (const line of lines) {
      const words = line.split(PY_WHITESPACE).filter((w) => w !== '')
      words.push('<eos>')
      for (const word of words) {
        let id = ids.get(word)
        if (id === undefined) {
          id = vocabulary.length
          ids.set(word, id)
          vocabulary.push(word)
        }
        out.push(id)
      }
    }
    return Int32Array.from(out)
  }
  const train = tokenize(texts.train)
  const valid = tokenize(texts.valid)
  const test = tokenize(texts.test)
  return { vocabulary, train, valid, test }
}

/**
 * Reads PTB from a folder holding train.txt / valid.txt / test.txt (the reference's data/ptb),
 * ptb.train.txt / ptb.valid.txt / ptb.test.txt (the Mikolov files), or a zip with either
 * (datasets.zip of nas-bench-nlp-release, whose layout is unverified: any member path ending
 * in ptb/train.txt or ptb.train.txt is taken).
 */
export async function readPtbCorpus(path: string): Promise<PtbCorpus> {
  if (!existsSync(path)) throw new EpsinasError('BAD_FILE', `${path}: no such file or folder`)
  const texts: Partial<Record<(typeof SPLITS)[number], string>> = {}
  if (statSync(path).isDirectory()) {
    for (const split of SPLITS) {
      const candidates = [join(path, `${split}.txt`), join(path, `ptb.${split}.txt`), join(path, 'ptb', `${split}.txt`)]
      const found = candidates.find((c) => existsSync(c))
      if (found !== undefined) texts[split] = await readFile(found, 'utf8')
    }
  } else {
    try {
      for await (const member of readZip(path, { maxEntryBytes: 256 * 1024 * 1024 })) {
        const split = SPLITS.find((s) => member.name.endsWith(`ptb/${s}.txt`) || member.name.endsWith(`ptb.${s}.txt`))
        if (split !== undefined && member.type === 'file') texts[split] = (await member.read()).toString('utf8')
      }
    } catch (error) {
      throw asFileError(path, error)
    }
  }
  const missing = SPLITS.filter((s) => texts[s] === undefined)
  if (missing.length > 0) throw new EpsinasError('BAD_FILE', `${path}: PTB ${missing.join(', ')} text not found (expected train.txt / valid.txt / test.txt or ptb.*.txt)`)
  return buildPtbCorpus({ train: texts.train ?? '', valid: texts.valid ?? '', test: texts.test ?? '' })
}

/** A batch of token ids: `ids[t * batchSize + j]` is step t of sequence j. */
export interface TokenBatch {
  ids: Int32Array
  steps: number
  batchSize: number
  vocabularySize: number
  /** First step taken from the batchified training stream. */
  start: number
}

/**
 * The scoring batch: the training ids batchified as utils.py does (nbatch = len // batchSize,
 * truncate, view(batchSize, -1).t(), so column j is the j-th contiguous slice) and `steps` rows
 * from `start`. Seed 0 starts at row 0, which is the batch epsinas scores (source[0:70]);
 * another seed starts at a seeded row.
 */
export function ptbBatch(corpus: PtbCorpus, options: { batchSize?: number; steps?: number; seed?: number } = {}): TokenBatch {
  const batchSize = options.batchSize ?? 256
  const steps = options.steps ?? 70
  const seed = options.seed ?? 0
  const nbatch = Math.floor(corpus.train.length / batchSize)
  if (nbatch < steps) throw new EpsinasError('BAD_ARGUMENT', `PTB training text has ${corpus.train.length} tokens: too few for ${batchSize} sequences of ${steps} steps`)
  const start = seed === 0 ? 0 : new SeededRandom(seed).nextInt(nbatch - steps + 1)
  const ids = new Int32Array(steps * batchSize)
  for (let t = 0; t < steps; t++) {
    for (let j = 0; j < batchSize; j++) ids[t * batchSize + j] = corpus.train[j * nbatch + start + t]
  }
  return { ids, steps, batchSize, vocabularySize: corpus.vocabulary.length, start }
}
