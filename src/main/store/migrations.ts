import type { Database } from 'better-sqlite3'

/** One schema step. `version` is the `PRAGMA user_version` the file is at once `sql` has run. */
export interface Migration {
  version: number
  description: string
  sql: string
}

/**
 * Every schema step, oldest first. Append only: a shipped migration is never edited, because
 * files already migrated past it would silently differ from new ones.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'score cache: score_configs and scores',
    sql: `
      CREATE TABLE score_configs (
        id          INTEGER PRIMARY KEY,
        space       TEXT    NOT NULL,
        dataset     TEXT    NOT NULL,
        classes     INTEGER NOT NULL,
        image_size  INTEGER NOT NULL,
        input       TEXT    NOT NULL,
        input_seed  INTEGER NOT NULL,
        batch_size  INTEGER NOT NULL,
        w_low       REAL    NOT NULL,
        w_high      REAL    NOT NULL,
        engine      TEXT    NOT NULL,
        created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        UNIQUE (space, dataset, classes, image_size, input, input_seed, batch_size, w_low, w_high, engine)
      );

      -- WITHOUT ROWID: the primary key is the only access path, so the table is its own index.
      CREATE TABLE scores (
        config_id   INTEGER NOT NULL REFERENCES score_configs(id),
        arch        TEXT    NOT NULL,
        epsilon     REAL,
        nan_reason  TEXT,
        ms          REAL    NOT NULL,
        canonical   TEXT,
        created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        PRIMARY KEY (config_id, arch),
        -- NaN is never silent: a NULL epsilon always carries its reason, a number never does.
        CHECK ((epsilon IS NULL) = (nan_reason IS NOT NULL))
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    description: 'durable jobs: jobs, their architectures, failures and sweep results',
    sql: `
      CREATE TABLE jobs (
        id          TEXT    PRIMARY KEY,
        kind        TEXT    NOT NULL CHECK (kind IN ('score', 'sweep')),
        state       TEXT    NOT NULL CHECK (state IN ('queued', 'running', 'paused', 'cancelled', 'done', 'failed')),
        -- The request minus its architectures, as JSON: everything needed to run the job again.
        spec        TEXT    NOT NULL,
        total       INTEGER NOT NULL,
        done        INTEGER NOT NULL DEFAULT 0,
        nan         INTEGER NOT NULL DEFAULT 0,
        failed      INTEGER NOT NULL DEFAULT 0,
        -- Process running the job; a 'running' job whose process is gone was interrupted.
        runner_pid  INTEGER,
        error       TEXT,
        created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        updated_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
      );

      CREATE TABLE job_archs (
        job_id    TEXT    NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        position  INTEGER NOT NULL,
        arch      TEXT    NOT NULL,
        PRIMARY KEY (job_id, position)
      ) WITHOUT ROWID;

      -- An architecture that failed (threw, or killed its worker) under one weight pair of a job.
      CREATE TABLE job_failures (
        job_id   TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        w_low    REAL NOT NULL,
        w_high   REAL NOT NULL,
        arch     TEXT NOT NULL,
        code     TEXT NOT NULL,
        message  TEXT NOT NULL,
        PRIMARY KEY (job_id, w_low, w_high, arch)
      ) WITHOUT ROWID;

      -- Per weight pair of a sweep: NaN counts and, with accuracies, the section-5 statistics as JSON.
      CREATE TABLE sweep_results (
        job_id     TEXT    NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        exp_low    REAL    NOT NULL,
        exp_high   REAL    NOT NULL,
        w_low      REAL    NOT NULL,
        w_high     REAL    NOT NULL,
        config_id  INTEGER NOT NULL REFERENCES score_configs(id),
        n          INTEGER NOT NULL,
        nan        INTEGER NOT NULL,
        failed     INTEGER NOT NULL,
        stats      TEXT,
        PRIMARY KEY (job_id, exp_low, exp_high)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    description: 'benchmark data: NB201 / NB101 / NB-NLP results and other proxies\' scores, keyed by our ids',
    sql: `
      -- Where each benchmark's rows came from. An import replaces all rows of its benchmark
      -- ('nb201', 'nb101', 'nbnlp:<collection>', 'suite-zero:<space>') in one transaction.
      CREATE TABLE benchmark_imports (
        benchmark    TEXT    PRIMARY KEY,
        format       TEXT    NOT NULL,
        source       TEXT    NOT NULL,
        items        INTEGER NOT NULL,
        imported_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
      ) WITHOUT ROWID;

      -- arch: the normalised arch string; bench_index: its position in the benchmark's meta_archs.
      CREATE TABLE nb201_archs (
        arch         TEXT    PRIMARY KEY,
        bench_index  INTEGER UNIQUE
      ) WITHOUT ROWID;

      -- Per training set: params and FLOPs depend on the class count and image size.
      CREATE TABLE nb201_costs (
        arch     TEXT NOT NULL,
        dataset  TEXT NOT NULL,
        params   REAL,  -- millions of parameters
        flops    REAL,  -- millions of FLOPs
        latency  REAL,  -- seconds, as published
        PRIMARY KEY (dataset, arch)
      ) WITHOUT ROWID;

      -- Final-epoch top-1 accuracy (percent) over the seeds trained, per training set
      -- (NATS names), evaluation set and epoch budget. Which pair is "test" or "valid" for a
      -- dataset is decided by the queries (store/benchmarks.ts), not here.
      CREATE TABLE nb201_accuracies (
        arch          TEXT    NOT NULL,
        dataset       TEXT    NOT NULL CHECK (dataset IN ('cifar10-valid', 'cifar10', 'cifar100', 'ImageNet16-120')),
        split         TEXT    NOT NULL CHECK (split IN ('x-valid', 'x-test', 'ori-test')),
        epochs        INTEGER NOT NULL,
        accuracy      REAL    NOT NULL,
        accuracy_min  REAL    NOT NULL,
        accuracy_max  REAL    NOT NULL,
        seeds         INTEGER NOT NULL,
        PRIMARY KEY (dataset, split, epochs, arch)
      ) WITHOUT ROWID;

      -- One row per module hash (the official graph-invariant hash, as read from the file).
      -- position: order of first appearance in the source, the index epsinas uses.
      -- matrix: row-major '0'/'1' string of dim*dim; ops: comma-separated labels.
      -- Accuracies in percent over the 108-epoch runs; NULL when the source has none.
      CREATE TABLE nb101_models (
        hash        TEXT    PRIMARY KEY,
        position    INTEGER NOT NULL UNIQUE,
        matrix      TEXT    NOT NULL,
        ops         TEXT    NOT NULL,
        params      INTEGER NOT NULL,
        runs        INTEGER NOT NULL,
        test_mean   REAL,
        test_min    REAL,
        test_max    REAL,
        valid_mean  REAL,
        valid_min   REAL,
        valid_max   REAL
      ) WITHOUT ROWID;
      -- Other sources (Suite-Zero) name NB101 cells by spec; this finds their hash.
      CREATE INDEX nb101_models_by_spec ON nb101_models (matrix, ops);

      -- One row per training log. recepie: the architecture as canonical JSON (sorted keys).
      -- Losses are the last epoch's, NULL when NaN or absent; hyper: the other hyper-parameters as JSON.
      CREATE TABLE nbnlp_runs (
        collection        TEXT    NOT NULL,
        file              TEXT    NOT NULL,
        dataset           TEXT    NOT NULL,
        recepie           TEXT    NOT NULL,
        recepie_id        INTEGER,
        experiment_id     INTEGER,
        status            TEXT    NOT NULL,
        num_params        INTEGER,
        epochs_done       INTEGER NOT NULL,
        final_train_loss  REAL,
        final_val_loss    REAL,
        final_test_loss   REAL,
        hyper             TEXT    NOT NULL,
        PRIMARY KEY (collection, file)
      ) WITHOUT ROWID;

      -- Runs grouped by recepie (the same recepie can appear under several ids); NaN-omitting
      -- mean / min / max of the final losses, as epsinas does.
      CREATE TABLE nbnlp_models (
        collection       TEXT    NOT NULL,
        dataset          TEXT    NOT NULL,
        recepie          TEXT    NOT NULL,
        runs             INTEGER NOT NULL,
        finite_runs      INTEGER NOT NULL,
        num_params       INTEGER,
        test_loss_mean   REAL,
        test_loss_min    REAL,
        test_loss_max    REAL,
        val_loss_mean    REAL,
        PRIMARY KEY (collection, dataset, recepie)
      ) WITHOUT ROWID;

      -- Other zero-cost proxies' scores (NAS-Bench-Suite-Zero). arch: our id (nb201 arch string,
      -- nb101 module hash). proxy 'val_accuracy' holds the file's validation accuracy (percent).
      -- score NULL: NaN in the file; time NULL: not given.
      CREATE TABLE proxy_scores (
        space    TEXT NOT NULL,
        dataset  TEXT NOT NULL,
        proxy    TEXT NOT NULL,
        arch     TEXT NOT NULL,
        score    REAL,
        time     REAL,
        PRIMARY KEY (space, dataset, proxy, arch)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    description: 'benchmark data: provenance and staleness of imports, Suite-Zero keys and per-module aggregates',
    sql: `
      -- item: the catalogue item epsinas data convert converted (NULL for a direct import).
      -- stale: set while the rows no longer match their item's files (a conversion of newer files
      -- started and did not finish); queries refuse the benchmark until a conversion succeeds.
      ALTER TABLE benchmark_imports ADD COLUMN item TEXT;
      ALTER TABLE benchmark_imports ADD COLUMN stale TEXT;

      -- Suite-Zero names NB101 cells by spec, and isomorphic specs of one module are separate keys
      -- (each with one sampled run's accuracy): proxy_scores holds one row per module hash, score
      -- the NaN-omitting mean over its keys, with the min, max and the number of keys.
      ALTER TABLE proxy_scores ADD COLUMN score_min REAL;
      ALTER TABLE proxy_scores ADD COLUMN score_max REAL;
      ALTER TABLE proxy_scores ADD COLUMN keys INTEGER NOT NULL DEFAULT 1;

      -- Every key of a Suite-Zero file: key as written, spec in our written form (NB101: the
      -- pruned spec JSON, as epsinas score writes it; NB201: the arch string), arch our id.
      CREATE TABLE proxy_keys (
        space    TEXT NOT NULL,
        dataset  TEXT NOT NULL,
        key      TEXT NOT NULL,
        spec     TEXT NOT NULL,
        arch     TEXT NOT NULL,
        PRIMARY KEY (space, dataset, key)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 5,
    description: 'jobs: the identity of the runner process, which a reused PID does not share',
    sql: `
      -- runner_identity: boot id and start time of the process behind runner_pid (NULL where the
      -- platform cannot tell, then the PID alone is checked).
      ALTER TABLE jobs ADD COLUMN runner_identity TEXT;
    `,
  },
  {
    version: 6,
    description: 'benchmark data: the NB201 tables become per-space tables (NATS-Bench topology and size spaces side by side)',
    sql: `
      -- NATS-Bench's two search spaces share one data layout (training set, evaluation set, epoch
      -- budget per arch), so their rows share these tables, told apart by space: 'nb201' (NATS
      -- topology archive or NNI) and 'natssss' (NATS size archive). Each import replaces the rows of
      -- its own space only. The nb201_* rows of older files move here unchanged, so they stay readable.
      -- arch: the space's normalised arch string; bench_index: its position in the archive's meta_archs.
      CREATE TABLE space_archs (
        space        TEXT    NOT NULL,
        arch         TEXT    NOT NULL,
        bench_index  INTEGER,
        PRIMARY KEY (space, arch),
        UNIQUE (space, bench_index)
      ) WITHOUT ROWID;

      -- Per training set: params and FLOPs depend on the class count and image size.
      CREATE TABLE space_costs (
        space    TEXT NOT NULL,
        arch     TEXT NOT NULL,
        dataset  TEXT NOT NULL,
        params   REAL,  -- millions of parameters
        flops    REAL,  -- millions of FLOPs
        latency  REAL,  -- seconds, as published
        PRIMARY KEY (space, dataset, arch)
      ) WITHOUT ROWID;

      -- Final-epoch top-1 accuracy (percent) over the seeds trained, per training set (NATS
      -- names), evaluation set and epoch budget (nb201: 12, 200; natssss: 1, 12, 90). Which pair is
      -- "test" or "valid" for a dataset is decided by the queries (store/benchmarks.ts), not here.
      CREATE TABLE space_accuracies (
        space         TEXT    NOT NULL,
        arch          TEXT    NOT NULL,
        dataset       TEXT    NOT NULL CHECK (dataset IN ('cifar10-valid', 'cifar10', 'cifar100', 'ImageNet16-120')),
        split         TEXT    NOT NULL CHECK (split IN ('x-valid', 'x-test', 'ori-test')),
        epochs        INTEGER NOT NULL,
        accuracy      REAL    NOT NULL,
        accuracy_min  REAL    NOT NULL,
        accuracy_max  REAL    NOT NULL,
        seeds         INTEGER NOT NULL,
        PRIMARY KEY (space, dataset, split, epochs, arch)
      ) WITHOUT ROWID;

      INSERT INTO space_archs SELECT 'nb201', arch, bench_index FROM nb201_archs;
      INSERT INTO space_costs SELECT 'nb201', arch, dataset, params, flops, latency FROM nb201_costs;
      INSERT INTO space_accuracies SELECT 'nb201', arch, dataset, split, epochs, accuracy, accuracy_min, accuracy_max, seeds FROM nb201_accuracies;
      DROP TABLE nb201_archs;
      DROP TABLE nb201_costs;
      DROP TABLE nb201_accuracies;
    `,
  },
  {
    version: 7,
    description: 'sweep evaluations: the evaluation harness\'s judgement of every selection strategy, kept with its sweep',
    sql: `
      -- What select-weights --evaluate and weights:select computed for a sweep with accuracies, so
      -- the Weights page shows it again without recomputing. One row per sweep job and NaN
      -- threshold; it is served only while inputs and harness still match, else replaced.
      -- accuracies: the file the sweep names (for people). inputs: SHA-256 of everything the
      -- harness read (archs, every pair's scores, the accuracies as joined, parameter counts),
      -- so new accuracies, or scores added by resuming the sweep, invalidate it. harness: the
      -- strategies judged and the harness revision. evaluation: the harness's JSON.
      CREATE TABLE sweep_evaluations (
        job_id         TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        nan_threshold  REAL NOT NULL,
        accuracies     TEXT NOT NULL,
        inputs         TEXT NOT NULL,
        harness        TEXT NOT NULL,
        evaluation     TEXT NOT NULL,
        evaluated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        PRIMARY KEY (job_id, nan_threshold)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 8,
    description: 'native proxy scores: the workbench\'s own zero-cost proxies, one row per proxy, key and arch',
    sql: `
      -- What epsinas proxies computed (docs/proxies.md), so a rerun computes only what is missing.
      -- The key is everything the value depends on: the proxy, the seed of the random initialisation,
      -- the input (its cache key: a synthetic source's name, or real:<digest> of the installed data)
      -- and its seed, the batch size, the engine (backend and proxy revision), space, dataset, arch.
      -- value NULL: the proxy is undefined for that network (a singular kernel, a float32 overflow).
      CREATE TABLE native_proxy_scores (
        proxy        TEXT NOT NULL,
        init_seed    INTEGER NOT NULL,
        input        TEXT NOT NULL,
        input_seed   INTEGER NOT NULL,
        batch_size   INTEGER NOT NULL,
        engine       TEXT NOT NULL,
        space        TEXT NOT NULL,
        dataset      TEXT NOT NULL,
        arch         TEXT NOT NULL,
        value        REAL,
        ms           REAL NOT NULL,
        computed_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        PRIMARY KEY (space, dataset, proxy, init_seed, input, input_seed, batch_size, engine, arch)
      ) WITHOUT ROWID;
    `,
  },
]

/** The schema version this build writes; a file above it comes from a newer app. */
export const LATEST_VERSION: number = MIGRATIONS.length === 0 ? 0 : MIGRATIONS[MIGRATIONS.length - 1].version

/**
 * Brings `db` from its `user_version` up to the last of `migrations`, one transaction per step
 * so a failing step leaves the file at the previous version rather than half-migrated.
 * Throws a plain Error (the caller adds the path) when the file is newer than `migrations`.
 */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): void {
  checkOrder(migrations)
  const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1].version
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > latest) {
    throw new Error(
      `its schema version ${current} is newer than this app supports (${latest}); update the app or use another cache file`,
    )
  }
  for (const step of migrations) {
    if (step.version <= current) continue
    db.transaction(() => {
      // Re-read under the write lock: another process opening the same file may have just run this step.
      if ((db.pragma('user_version', { simple: true }) as number) >= step.version) return
      db.exec(step.sql)
      // user_version lives in the file header, which is written inside the transaction.
      db.pragma(`user_version = ${step.version}`)
    }).immediate()
  }
}

/** Versions must run 1, 2, 3, ... so `user_version` alone says which steps a file has had. */
function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((step, index) => {
    if (step.version !== index + 1) {
      throw new Error(`migration list is broken: entry ${index} has version ${step.version}, expected ${index + 1}`)
    }
  })
}
