-- The fleet console's schema: gateways, the model registry, rollouts, audit history, API tokens.

CREATE TABLE gateways (
  id                  TEXT PRIMARY KEY,
  reported_labels     TEXT NOT NULL DEFAULT '{}',   -- JSON object, from the gateway's reports
  operator_labels     TEXT NOT NULL DEFAULT '{}',   -- JSON object, set through the API
  platform            TEXT,
  agent_version       TEXT,
  first_seen          TIMESTAMPTZ NOT NULL,
  last_seen           TIMESTAMPTZ NOT NULL,
  reported            BYTEA,                        -- the last ReportedState, protobuf
  desired             BYTEA,                        -- the last DesiredState published, protobuf
  desired_generation  BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE blobs (
  sha256   TEXT PRIMARY KEY,
  size     BIGINT NOT NULL
);

CREATE TABLE model_versions (
  model_name       TEXT NOT NULL,
  version          TEXT NOT NULL,
  format           TEXT NOT NULL,
  manifest_sha256  TEXT NOT NULL UNIQUE,
  key_id           TEXT NOT NULL,
  platforms        TEXT NOT NULL,                  -- JSON array
  total_bytes      BIGINT NOT NULL,
  created_at       TIMESTAMPTZ NOT NULL,
  created_by       TEXT NOT NULL,
  PRIMARY KEY (model_name, version)
);

CREATE TABLE package_files (
  manifest_sha256  TEXT NOT NULL REFERENCES model_versions (manifest_sha256) ON DELETE CASCADE,
  path             TEXT NOT NULL,
  sha256           TEXT NOT NULL REFERENCES blobs (sha256),
  size             BIGINT NOT NULL,
  PRIMARY KEY (manifest_sha256, path)
);

CREATE TABLE rollouts (
  id            BIGSERIAL PRIMARY KEY,
  spec          TEXT NOT NULL,                     -- JSON RolloutSpec
  state         TEXT NOT NULL,
  current_wave  INT NOT NULL DEFAULT 0,
  reason        TEXT,
  created_at    TIMESTAMPTZ NOT NULL,
  updated_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE rollout_targets (
  rollout_id        BIGINT NOT NULL REFERENCES rollouts (id) ON DELETE CASCADE,
  gateway_id        TEXT NOT NULL,
  wave              INT NOT NULL,
  status            TEXT NOT NULL,
  previous_version  TEXT,
  baseline          BYTEA,                         -- PipelineStats of the previous version, protobuf
  generation        BIGINT NOT NULL,
  assigned_at       TIMESTAMPTZ NOT NULL,
  finished_at       TIMESTAMPTZ,
  reason            TEXT,
  PRIMARY KEY (rollout_id, gateway_id)
);

CREATE TABLE audit (
  id          BIGSERIAL PRIMARY KEY,
  at          TIMESTAMPTZ NOT NULL,
  rollout_id  BIGINT,
  actor       TEXT NOT NULL,
  action      TEXT NOT NULL,
  detail      TEXT NOT NULL
);
CREATE INDEX audit_rollout ON audit (rollout_id, id);

CREATE TABLE api_tokens (
  id          BIGSERIAL PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  role        TEXT NOT NULL,
  token_hash  TEXT NOT NULL UNIQUE,                -- sha256 of the token; the token itself is never stored
  created_at  TIMESTAMPTZ NOT NULL,
  revoked     BOOLEAN NOT NULL DEFAULT FALSE
);
