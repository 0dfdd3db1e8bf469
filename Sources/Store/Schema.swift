/// The store's schema, as the list of migrations that builds it. Append; never edit a shipped one.
public enum Schema {
    public static let migrations: [Migration] = [
        Migration(version: 1, name: "datasets, examples, rejects, duplicate clusters, contamination", sql: """
            CREATE TABLE datasets (
                id          INTEGER PRIMARY KEY,
                name        TEXT NOT NULL UNIQUE,
                role        TEXT NOT NULL DEFAULT 'train' CHECK (role IN ('train', 'benchmark')),
                created_at  TEXT NOT NULL
            );

            -- One row per imported file: where it came from, its hash and what became of its rows.
            CREATE TABLE source_files (
                id            INTEGER PRIMARY KEY,
                dataset_id    INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
                path          TEXT NOT NULL,
                format        TEXT NOT NULL,
                schema        TEXT NOT NULL,
                sha256        TEXT NOT NULL,
                bytes         INTEGER NOT NULL,
                row_count     INTEGER NOT NULL,
                rejected      INTEGER NOT NULL,
                skipped       INTEGER NOT NULL,
                imported_at   TEXT NOT NULL,
                tool_version  TEXT NOT NULL,
                UNIQUE (dataset_id, sha256)
            );

            CREATE TABLE examples (
                id             INTEGER PRIMARY KEY,
                dataset_id     INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
                file_id        INTEGER NOT NULL REFERENCES source_files(id) ON DELETE CASCADE,
                position       INTEGER NOT NULL,   -- 0-based row / element index in the source file
                line           INTEGER NOT NULL,   -- 1-based line of the row in the source file
                source_index   TEXT,               -- the source's own id or index, when it has one
                problem        TEXT NOT NULL,
                answer         TEXT,
                solution       TEXT,
                metadata       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
                norm_hash      TEXT NOT NULL,      -- hash of the normalised problem text
                UNIQUE (file_id, position)
            );
            -- Only the index every query needs. Indexes on norm_hash or source_index (random order) would
            -- cost a third of import time; dedup groups hashes in memory and joins scan one dataset.
            CREATE INDEX examples_dataset ON examples(dataset_id, position);

            -- Rows that could not be imported, kept verbatim so nothing is lost.
            CREATE TABLE rejected_rows (
                id          INTEGER PRIMARY KEY,
                dataset_id  INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
                file_id     INTEGER NOT NULL REFERENCES source_files(id) ON DELETE CASCADE,
                line        INTEGER NOT NULL,
                field       TEXT,
                reason      TEXT NOT NULL,
                raw         BLOB NOT NULL
            );

            CREATE TABLE duplicate_clusters (
                id                 INTEGER PRIMARY KEY,
                kind               TEXT NOT NULL CHECK (kind IN ('exact', 'near')),
                threshold          REAL NOT NULL,
                representative_id  INTEGER NOT NULL REFERENCES examples(id) ON DELETE CASCADE,
                created_at         TEXT NOT NULL
            );
            CREATE TABLE cluster_members (
                cluster_id  INTEGER NOT NULL REFERENCES duplicate_clusters(id) ON DELETE CASCADE,
                example_id  INTEGER NOT NULL REFERENCES examples(id) ON DELETE CASCADE,
                similarity  REAL NOT NULL,   -- Jaccard similarity to the representative (1 for exact)
                PRIMARY KEY (cluster_id, example_id)
            );
            CREATE INDEX cluster_members_example ON cluster_members(example_id);

            CREATE TABLE contamination_matches (
                id                    INTEGER PRIMARY KEY,
                example_id            INTEGER NOT NULL REFERENCES examples(id) ON DELETE CASCADE,
                benchmark_example_id  INTEGER NOT NULL REFERENCES examples(id) ON DELETE CASCADE,
                ngram                 INTEGER NOT NULL,  -- n of the word n-grams compared
                coverage              REAL NOT NULL,     -- share of the benchmark item's n-grams found
                shared                INTEGER NOT NULL,  -- number of shared n-grams
                created_at            TEXT NOT NULL,
                UNIQUE (example_id, benchmark_example_id)
            );
            CREATE INDEX contamination_benchmark ON contamination_matches(benchmark_example_id);
            """),
        Migration(version: 2, name: "runs and accuracy trajectories", sql: """
            -- A run: a probe (RLVR over a pool to record trajectories), a training or an evaluation, on any
            -- engine, or histories imported from elsewhere. Everything needed to reproduce it is kept.
            CREATE TABLE runs (
                id            INTEGER PRIMARY KEY,
                name          TEXT NOT NULL UNIQUE,
                engine        TEXT NOT NULL,
                purpose       TEXT NOT NULL CHECK (purpose IN ('probe', 'train', 'eval')),
                dataset_id    INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
                config        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(config)),
                seed          INTEGER,
                status        TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
                started_at    TEXT NOT NULL,
                ended_at      TEXT,
                tool_version  TEXT NOT NULL,
                inputs        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(inputs))  -- input path -> sha256
            );

            -- The examples a run recorded, in the order its source listed them (ranking ties keep it).
            CREATE TABLE run_examples (
                run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                example_id  INTEGER NOT NULL REFERENCES examples(id) ON DELETE CASCADE,
                position    INTEGER NOT NULL,
                PRIMARY KEY (run_id, example_id),
                UNIQUE (run_id, position)
            ) WITHOUT ROWID;

            -- One example's accuracy at one epoch (one appearance in training) of a run.
            CREATE TABLE trajectories (
                run_id      INTEGER NOT NULL,
                example_id  INTEGER NOT NULL,
                epoch       INTEGER NOT NULL,           -- 0-based appearance of the example in the run
                step        INTEGER,                    -- the training step it appeared at, when known
                correct     INTEGER NOT NULL CHECK (correct >= 0),
                sampled     INTEGER NOT NULL CHECK (sampled > 0 AND correct <= sampled),
                PRIMARY KEY (run_id, example_id, epoch),
                FOREIGN KEY (run_id, example_id) REFERENCES run_examples(run_id, example_id) ON DELETE CASCADE
            ) WITHOUT ROWID;
            """),
        Migration(version: 3, name: "training steps and evaluations of runs", sql: """
            -- What one training step measured (reward, loss terms, entropy, KL, response length, seconds), as JSON.
            CREATE TABLE run_steps (
                run_id   INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                step     INTEGER NOT NULL,
                metrics  TEXT NOT NULL CHECK (json_valid(metrics)),
                PRIMARY KEY (run_id, step)
            ) WITHOUT ROWID;

            -- One evaluation of a run's policy at a step on one benchmark (a dataset, or a generated task family).
            CREATE TABLE evaluations (
                run_id        INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                step          INTEGER NOT NULL,
                benchmark     TEXT NOT NULL,
                problems      INTEGER NOT NULL CHECK (problems >= 0),
                samples       INTEGER NOT NULL CHECK (samples > 0),     -- responses per problem
                correct       INTEGER NOT NULL CHECK (correct >= 0),    -- correct responses, over all samples
                solved        INTEGER NOT NULL CHECK (solved >= 0),     -- problems with at least one correct response
                boxed         INTEGER NOT NULL CHECK (boxed >= 0),      -- responses with a \\boxed{} answer
                mean_length   REAL NOT NULL,                            -- response length, in tokens
                temperature   REAL NOT NULL,
                PRIMARY KEY (run_id, step, benchmark)
            ) WITHOUT ROWID;
            """),
        Migration(version: 4, name: "majority vote in evaluations", sql: """
            -- Problems whose most frequent answer among the samples is correct (maj@k); NULL where not measured.
            ALTER TABLE evaluations ADD COLUMN majority INTEGER CHECK (majority >= 0);
            """),
        Migration(version: 5, name: "self-reflection in evaluations", sql: """
            -- Responses containing a self-reflection word (Grading.SelfReflection); NULL where not measured.
            ALTER TABLE evaluations ADD COLUMN reflective INTEGER CHECK (reflective >= 0);
            """),
        Migration(version: 6, name: "pipeline stages", sql: """
            -- A stage of `oneshot pipeline` that finished: rerunning the pipeline skips it while its config is unchanged.
            CREATE TABLE pipeline_stages (
                pipeline     TEXT NOT NULL,
                stage        TEXT NOT NULL,
                config_hash  TEXT NOT NULL,    -- sha256 of the stage's part of the config
                finished_at  TEXT NOT NULL,
                summary      TEXT NOT NULL,    -- one line: what the stage did
                PRIMARY KEY (pipeline, stage)
            ) WITHOUT ROWID;
            """),
        Migration(version: 7, name: "job states of external runs", sql: """
            -- Where a run sent to verl (on this machine, a Ray cluster or Slurm) stands; NULL for other runs.
            ALTER TABLE runs ADD COLUMN job_state TEXT CHECK (job_state IS NULL OR job_state IN
                ('prepared', 'submitted', 'running', 'succeeded', 'failed', 'stopped', 'lost'));
            """),
    ]

    /// The migrator for the current schema.
    public static let migrator = Migrator(migrations)
}
