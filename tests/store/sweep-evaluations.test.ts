import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, test } from 'vitest'
import { openStore } from '../../src/main/store/index.ts'
import { expectEpsinasError, useTempDir } from './helpers.ts'

const tmp = useTempDir('sweep-evaluations')

const RECORD = { jobId: 'j1', nanThreshold: 0.1, accuracies: '/data/acc.csv', inputs: 'a'.repeat(64), harness: 'reference,grid,plateau#1', evaluation: '{"archs":3}' }

/** A store holding one sweep job 'j1' (the evaluations belong to a job of the file). */
function storeWithJob(name: string) {
  const store = openStore(join(tmp(), name))
  store.jobs.create({ id: 'j1', kind: 'sweep', spec: '{}', total: 1 }, ['a'])
  return store
}

describe('sweep evaluations (migration 7)', () => {
  test('an evaluation put for a job and threshold is read back with the time it was stored; another threshold has none', () => {
    const store = storeWithJob('read-back.sqlite')
    try {
      expect(store.evaluations.get('j1', 0.1)).toBeNull()
      store.evaluations.put(RECORD)
      const stored = store.evaluations.get('j1', 0.1)
      expect(stored).toMatchObject(RECORD)
      expect(stored?.evaluatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
      expect(store.evaluations.get('j1', 0.2)).toBeNull()
      expect(store.evaluations.get('j2', 0.1)).toBeNull()
    } finally {
      store.close()
    }
  })

  test('a new evaluation of the same job and threshold replaces the old one', () => {
    const store = storeWithJob('replace.sqlite')
    try {
      store.evaluations.put(RECORD)
      store.evaluations.put({ ...RECORD, inputs: 'b'.repeat(64), evaluation: '{"archs":2}' })
      expect(store.evaluations.get('j1', 0.1)).toMatchObject({ inputs: 'b'.repeat(64), evaluation: '{"archs":2}' })
    } finally {
      store.close()
    }
    const db = new Database(join(tmp(), 'replace.sqlite'), { readonly: true })
    try {
      expect(db.prepare('SELECT count(*) FROM sweep_evaluations').pluck().get()).toBe(1)
    } finally {
      db.close()
    }
  })

  test('an evaluation of a job the file does not hold is refused, naming the file', () => {
    const store = storeWithJob('orphan.sqlite')
    try {
      expectEpsinasError(() => store.evaluations.put({ ...RECORD, jobId: 'nope' }), 'STORE_FAILED', /^Cannot store a sweep evaluation in the score cache at .*orphan\.sqlite: FOREIGN KEY constraint failed$/)
      expect(store.evaluations.get('nope', 0.1)).toBeNull()
    } finally {
      store.close()
    }
  })

  test('the evaluations go with their job', () => {
    const store = storeWithJob('cascade.sqlite')
    store.evaluations.put(RECORD)
    store.close()
    // The store's connection enforces foreign keys; deleting the job (as a later clean-up would) takes its evaluations along.
    const db = new Database(join(tmp(), 'cascade.sqlite'))
    try {
      db.pragma('foreign_keys = ON')
      db.prepare(`DELETE FROM jobs WHERE id = 'j1'`).run()
      expect(db.prepare('SELECT count(*) FROM sweep_evaluations').pluck().get()).toBe(0)
    } finally {
      db.close()
    }
  })
})
