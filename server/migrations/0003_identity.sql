-- Identity: users, role grants with data scopes, sessions, API keys.

CREATE TABLE users (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  jurisdiction_id     text NOT NULL REFERENCES jurisdictions (id),
  username            text NOT NULL CHECK (username ~ '^[A-Za-z0-9][A-Za-z0-9_.@-]{1,63}$'),
  display_name        text NOT NULL,
  department_id       uuid REFERENCES departments (id),
  password_hash       text NOT NULL,               -- argon2id PHC string
  status              text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  must_change_password boolean NOT NULL DEFAULT false,
  failed_logins       integer NOT NULL DEFAULT 0,
  locked_until        timestamptz,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
-- Login takes a bare username, so usernames are unique across jurisdictions, case-insensitively.
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
CREATE INDEX users_jurisdiction_idx ON users (jurisdiction_id, department_id);

-- A user holds one or more roles, each with its data scope: the whole jurisdiction, a department subtree,
-- or a set of unit grids (codes; the grid module owns the grids themselves).
CREATE TABLE role_grants (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  jurisdiction_id text NOT NULL REFERENCES jurisdictions (id),
  user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role            text NOT NULL CHECK (role IN ('resident', 'enterprise', 'agent', 'dispatcher', 'handler', 'inspector',
                    'operator', 'steward', 'analyst', 'leader', 'admin', 'auditor')),
  scope_kind      text NOT NULL CHECK (scope_kind IN ('jurisdiction', 'department', 'grids', 'self')),
  department_id   uuid REFERENCES departments (id),
  grid_codes      text[] NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((scope_kind = 'department') = (department_id IS NOT NULL)),
  CHECK (scope_kind = 'grids' OR cardinality(grid_codes) = 0)
);
CREATE INDEX role_grants_user_idx ON role_grants (user_id);

-- Sessions are stored by the SHA-256 of their token, so a leaked table does not leak live sessions.
CREATE TABLE sessions (
  id_hash         text PRIMARY KEY,
  jurisdiction_id text NOT NULL REFERENCES jurisdictions (id),
  user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at      timestamptz NOT NULL DEFAULT now(),
  last_seen_at    timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL,
  revoked_at      timestamptz,
  ip              text,
  user_agent      text
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- API keys for external systems (Open311 clients, sensor gateways). The key is shown once; we keep its
-- SHA-256 (keys are 256-bit random, so a fast hash is enough) and a short prefix to find it.
CREATE TABLE api_keys (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  jurisdiction_id text NOT NULL REFERENCES jurisdictions (id),
  name            text NOT NULL,
  prefix          text NOT NULL UNIQUE,
  key_hash        text NOT NULL,
  scopes          text[] NOT NULL DEFAULT '{}',
  created_by      uuid REFERENCES users (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz,
  last_used_at    timestamptz,
  revoked_at      timestamptz
);
CREATE INDEX api_keys_jurisdiction_idx ON api_keys (jurisdiction_id);
