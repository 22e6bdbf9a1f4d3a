import { openStore } from '../../src/main/store/index.ts'

/**
 * Every score of a cache as comparable rows: config key, arch, epsilon, NaN reason and the
 * representative arch of a shared score; the timing column `ms` aside (it differs between runs).
 */
export function scoresOf(db: string): string[] {
  const store = openStore(db, { readOnly: true })
  try {
    return store.listConfigs().flatMap((config) =>
      store.scoresFor(config.id).map((s) => JSON.stringify([config.space, config.dataset, config.input, config.batchSize, config.weights, config.engine, s.arch, s.epsilon, s.nanReason, s.canonical])),
    )
  } finally {
    store.close()
  }
}
