import { SetMetadata } from '@nestjs/common';
import { isRole, type Role } from '@govx/ledger-core';

export const ROLES_METADATA = 'govx:access:roles';
export const PUBLIC_METADATA = 'govx:access:public';
export const AUTHENTICATED_METADATA = 'govx:access:authenticated';

/** The roles a route (or every route of a controller) admits. The guard denies the others. */
export function Roles(...roles: Role[]): MethodDecorator & ClassDecorator {
  roles.forEach((r, i) => {
    if (!isRole(r)) throw new TypeError(`Roles(): argument ${i} is not a role: ${String(r)}`);
  });
  if (roles.length === 0) throw new TypeError('Roles(): name at least one role');
  return SetMetadata(ROLES_METADATA, roles);
}

/** Open to anyone, unauthenticated. MUST be written explicitly: routes are closed by default. */
export function Public(): MethodDecorator & ClassDecorator {
  return SetMetadata(PUBLIC_METADATA, true);
}

/** Open to any authenticated caller, whatever its roles (e.g. sign out). */
export function Authenticated(): MethodDecorator & ClassDecorator {
  return SetMetadata(AUTHENTICATED_METADATA, true);
}
