import { describe, expect, it } from 'vitest';
import type { Role } from './roles.js';
import { canDelegate, canOn, effectiveScope, hasPermission, scopeIsEmpty, type ApiKeyPrincipal, type Grant, type UserPrincipal } from './scope.js';

const rules: Record<string, Role[]> = {
  'case.read': ['handler', 'inspector', 'dispatcher', 'resident'],
  'case.handle': ['handler'],
  'user.manage': ['admin'],
};
const lookup = (p: string) => rules[p];

const A = '/root/a/';
const A1 = '/root/a/a1/';
const B = '/root/b/';

function user(grants: Grant[], id = 'u1', jurisdictionId = 'j1'): UserPrincipal {
  return { kind: 'user', userId: id, username: id, displayName: id, jurisdictionId, departmentId: null, mustChangePassword: false, grants, via: 'bearer', sessionHash: 'h' };
}

const handlerOfA = user([{ role: 'handler', scope: { kind: 'department', departmentId: 'a', departmentPath: A } }]);
const inspector = user([{ role: 'inspector', scope: { kind: 'grids', gridCodes: ['51010400100101', '510104002001'] } }]);
const resident = user([{ role: 'resident', scope: { kind: 'self' } }], 'res');
const dispatcher = user([{ role: 'dispatcher', scope: { kind: 'jurisdiction' } }]);

describe('canOn', () => {
  it('a department grant covers its subtree and nothing beside it', () => {
    expect(canOn(handlerOfA, 'case.handle', { jurisdictionId: 'j1', departmentPath: A }, lookup)).toBe(true);
    expect(canOn(handlerOfA, 'case.handle', { jurisdictionId: 'j1', departmentPath: A1 }, lookup)).toBe(true);
    expect(canOn(handlerOfA, 'case.handle', { jurisdictionId: 'j1', departmentPath: B }, lookup)).toBe(false);
    expect(canOn(handlerOfA, 'case.handle', { jurisdictionId: 'j1', departmentPath: '/root/' }, lookup)).toBe(false);
    expect(canOn(handlerOfA, 'case.handle', { jurisdictionId: 'j1' }, lookup)).toBe(false);
  });

  it('never crosses jurisdictions, even for jurisdiction-wide grants', () => {
    expect(canOn(dispatcher, 'case.read', { jurisdictionId: 'j1' }, lookup)).toBe(true);
    expect(canOn(dispatcher, 'case.read', { jurisdictionId: 'j2' }, lookup)).toBe(false);
    expect(canOn(handlerOfA, 'case.handle', { jurisdictionId: 'j2', departmentPath: A }, lookup)).toBe(false);
  });

  it('grid grants cover the listed codes and codes under them', () => {
    expect(canOn(inspector, 'case.read', { jurisdictionId: 'j1', gridCode: '51010400100101' }, lookup)).toBe(true);
    expect(canOn(inspector, 'case.read', { jurisdictionId: 'j1', gridCode: '51010400200107' }, lookup)).toBe(true);
    expect(canOn(inspector, 'case.read', { jurisdictionId: 'j1', gridCode: '51010400100102' }, lookup)).toBe(false);
    expect(canOn(inspector, 'case.read', { jurisdictionId: 'j1', departmentPath: A }, lookup)).toBe(false);
  });

  it('self grants cover only what the principal owns', () => {
    expect(canOn(resident, 'case.read', { jurisdictionId: 'j1', ownerUserId: 'res' }, lookup)).toBe(true);
    expect(canOn(resident, 'case.read', { jurisdictionId: 'j1', ownerUserId: 'other' }, lookup)).toBe(false);
    expect(canOn(resident, 'case.read', { jurisdictionId: 'j1' }, lookup)).toBe(false);
  });

  it('a scope only counts for roles the permission allows', () => {
    const mixed = user([
      { role: 'inspector', scope: { kind: 'jurisdiction' } },
      { role: 'handler', scope: { kind: 'department', departmentId: 'a', departmentPath: A } },
    ]);
    // inspector's jurisdiction-wide scope must not widen the handler permission
    expect(canOn(mixed, 'case.handle', { jurisdictionId: 'j1', departmentPath: B }, lookup)).toBe(false);
    expect(canOn(mixed, 'case.read', { jurisdictionId: 'j1', departmentPath: B }, lookup)).toBe(true);
    expect(hasPermission(mixed, 'user.manage', lookup)).toBe(false);
    expect(hasPermission(mixed, 'undeclared.thing', lookup)).toBe(false);
  });

  it('API keys act jurisdiction-wide for the permissions they list, areas with .*', () => {
    const key: ApiKeyPrincipal = { kind: 'api_key', keyId: 'k', name: 'k', prefix: 'p', jurisdictionId: 'j1', scopes: ['case.read', 'open311.*'] };
    expect(canOn(key, 'case.read', { jurisdictionId: 'j1', departmentPath: B }, lookup)).toBe(true);
    expect(canOn(key, 'case.read', { jurisdictionId: 'j2' }, lookup)).toBe(false);
    expect(canOn(key, 'case.handle', { jurisdictionId: 'j1' }, lookup)).toBe(false);
    expect(hasPermission(key, 'open311.write')).toBe(true);
    expect(hasPermission(key, 'open311x.write')).toBe(false);
  });
});

describe('effectiveScope', () => {
  it('merges grants, dropping department paths inside others', () => {
    const p = user([
      { role: 'handler', scope: { kind: 'department', departmentId: 'a1', departmentPath: A1 } },
      { role: 'handler', scope: { kind: 'department', departmentId: 'a', departmentPath: A } },
      { role: 'inspector', scope: { kind: 'grids', gridCodes: ['510104001001', '510104001001'] } },
    ]);
    expect(effectiveScope(p, 'case.read', lookup)).toEqual({ jurisdictionId: 'j1', all: false, departmentPaths: [A], gridCodes: ['510104001001'], ownerUserIds: [] });
    expect(effectiveScope(p, 'case.handle', lookup).gridCodes).toEqual([]);
  });

  it('a jurisdiction grant makes the rest irrelevant', () => {
    const p = user([
      { role: 'handler', scope: { kind: 'department', departmentId: 'a', departmentPath: A } },
      { role: 'dispatcher', scope: { kind: 'jurisdiction' } },
    ]);
    expect(effectiveScope(p, 'case.read', lookup)).toEqual({ jurisdictionId: 'j1', all: true, departmentPaths: [], gridCodes: [], ownerUserIds: [] });
  });

  it('is empty without a matching role', () => {
    expect(scopeIsEmpty(effectiveScope(resident, 'case.handle', lookup))).toBe(true);
    expect(effectiveScope(resident, 'case.read', lookup).ownerUserIds).toEqual(['res']);
  });
});

describe('canDelegate', () => {
  const subAdmin = user([{ role: 'admin', scope: { kind: 'department', departmentId: 'a', departmentPath: A } }]);
  it('lets an admin hand out only scopes inside their own', () => {
    expect(canDelegate(subAdmin, 'user.manage', { kind: 'department', departmentId: 'a1', departmentPath: A1 }, lookup)).toBe(true);
    expect(canDelegate(subAdmin, 'user.manage', { kind: 'department', departmentId: 'b', departmentPath: B }, lookup)).toBe(false);
    expect(canDelegate(subAdmin, 'user.manage', { kind: 'jurisdiction' }, lookup)).toBe(false);
    expect(canDelegate(subAdmin, 'user.manage', { kind: 'grids', gridCodes: ['510104'] }, lookup)).toBe(false);
    const cityAdmin = user([{ role: 'admin', scope: { kind: 'jurisdiction' } }]);
    expect(canDelegate(cityAdmin, 'user.manage', { kind: 'jurisdiction' }, lookup)).toBe(true);
  });
});
