import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'cg-config-'));

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const dir = tmp();
    const c = loadConfig({ DATA_DIR: dir });
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', dataDir: dir, storageKind: 'pglite', logLevel: 'info' });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.demoPassword.length).toBeGreaterThanOrEqual(8);
  });

  it('selects PostgreSQL when DATABASE_URL is set', () => {
    const c = loadConfig({ DATA_DIR: tmp(), DATABASE_URL: 'postgres://u@db:5432/city' });
    expect(c.storageKind).toBe('postgres');
  });

  it('generates a secret once, keeps it in DATA_DIR with mode 0600 and reuses it', () => {
    const dir = tmp();
    const first = loadConfig({ DATA_DIR: dir }).secretKey;
    const second = loadConfig({ DATA_DIR: dir }).secretKey;
    expect(first).toHaveLength(43);
    expect(second).toBe(first);
    const file = path.join(dir, 'secret.key');
    expect(readFileSync(file, 'utf8').trim()).toBe(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('prefers SECRET_KEY and does not write a file then', () => {
    const dir = tmp();
    const key = 'k'.repeat(40);
    expect(loadConfig({ DATA_DIR: dir, SECRET_KEY: key }).secretKey).toBe(key);
    expect(() => statSync(path.join(dir, 'secret.key'))).toThrow();
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ DATA_DIR: tmp(), PORT: '', DATABASE_URL: '' })).toMatchObject({ port: 8080, storageKind: 'pglite' });
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['SECRET_KEY', 'short'],
    ['LOG_LEVEL', 'loud'],
    ['DEMO_PASSWORD', '123'],
  ])('stops with a message naming %s for an invalid value', (name, value) => {
    let error: unknown;
    try {
      loadConfig({ DATA_DIR: tmp(), [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(`${name}:`);
  });

  it('reports every invalid variable at once', () => {
    try {
      loadConfig({ DATA_DIR: tmp(), PORT: '-1', LOG_LEVEL: 'x' });
      expect.unreachable();
    } catch (err) {
      expect((err as ConfigError).problems.map((p) => p.split(':')[0]).sort()).toEqual(['LOG_LEVEL', 'PORT']);
    }
  });
});
