import type { BenchmarkStore } from '../../store/benchmarks.ts'
import { Staging } from './staging.ts'

/** The staging tables both NB101 importers fill: the first spec seen per hash, and every final-epoch run. */
export function nb101Staging(store: BenchmarkStore): Staging {
  return new Staging(
    store,
    (s) => `
      CREATE TABLE ${s}.specs (hash TEXT PRIMARY KEY, first_seen INTEGER NOT NULL, matrix TEXT NOT NULL, ops TEXT NOT NULL, params INTEGER NOT NULL);
      CREATE TABLE ${s}.runs (hash TEXT NOT NULL, test REAL NOT NULL, valid REAL NOT NULL);
    `,
  )
}

/**
 * The last step both NB101 importers share: replaces nb101_models with one row per staged spec
 * (staging tables `specs (hash, first_seen, matrix, ops, params)` and `runs (hash, test, valid)`),
 * positioned by first appearance, with the mean / min / max of its runs' accuracies.
 * `percentScale` turns fractions (the tfrecord) into the percent NNI already stores.
 */
export function commitNb101Models(store: BenchmarkStore, staging: Staging, format: string, source: string, percentScale: 1 | 100): number {
  const s = staging.schema
  const k = percentScale === 1 ? '' : ` * ${percentScale}`
  // The aggregate joins every spec to its runs: index them once the reading is done, not per insert.
  staging.batch(() => store.db.exec(`CREATE INDEX ${s}.runs_by_hash ON runs (hash)`))
  return staging.commit({ benchmark: 'nb101', format, source }, () => {
    store.db.exec('DELETE FROM main.nb101_models')
    return store.db
      .prepare(
        `INSERT INTO main.nb101_models
           SELECT p.hash, ROW_NUMBER() OVER (ORDER BY p.first_seen) - 1, p.matrix, p.ops, p.params,
                  count(r.hash), avg(r.test)${k}, min(r.test)${k}, max(r.test)${k},
                  avg(r.valid)${k}, min(r.valid)${k}, max(r.valid)${k}
             FROM ${s}.specs p LEFT JOIN ${s}.runs r ON r.hash = p.hash
            GROUP BY p.hash`,
      )
      .run().changes
  })
}
