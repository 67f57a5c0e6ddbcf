/**
 * Turning scope decisions into errors. A principal without the permission at all gets 403; one that has it
 * but not on this object gets 404 with the object's not-found code when existence must not leak (pass
 * `hiddenAs`), 403 otherwise. `null` stands for the system itself (CLI, demo seed): always allowed.
 */
import { AppError, forbidden } from '../../shared/errors.js';
import { canOn, hasPermission, type Principal, type ScopedResource } from './scope.js';

export function authorize(
  principal: Principal | null,
  permission: string,
  resource: ScopedResource,
  hiddenAs?: string,
): void {
  if (principal === null) return;
  if (!hasPermission(principal, permission)) throw forbidden();
  if (canOn(principal, permission, resource)) return;
  throw hiddenAs ? new AppError('not_found', hiddenAs) : forbidden('auth.out_of_scope');
}

export function authorizeAny(principal: Principal | null, permission: string): void {
  if (principal !== null && !hasPermission(principal, permission)) throw forbidden();
}
