// Walks every route of a Nest app × every role (and an anonymous caller) over HTTP, and
// reports where the guard's answer differs from what the route declares. For the e2e tests
// of every app that imports AccessModule (no test framework needed: it returns findings).
import { RequestMethod, type INestApplication } from '@nestjs/common';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { ROLES, Role } from '@govx/ledger-core';
import { AccessErrorCode } from '../http/access.errors.js';
import { AccessService, PERSON_ROLES } from '../http/access.service.js';
import { AccountKind } from '../http/entities/account.entity.js';
import { routeAccess, type RouteAccess } from '../http/roles.guard.js';

export const ANONYMOUS = 'anonymous';
export type MatrixSubject = Role | typeof ANONYMOUS;

export interface AppRoute {
  readonly method: string;
  /** e.g. `/access/accounts/:id/api-keys` */
  readonly path: string;
  readonly controller: string;
  readonly handler: string;
  readonly access: RouteAccess;
}

export interface MatrixCell {
  readonly route: string;
  readonly subject: MatrixSubject;
  readonly expected: 'allowed' | 'denied';
  readonly status: number;
  readonly ok: boolean;
}

export interface MatrixReport {
  readonly routes: readonly AppRoute[];
  readonly cells: readonly MatrixCell[];
  /** Routes that declare neither @Public(), @Authenticated() nor @Roles() (closed to all). */
  readonly undeclared: readonly string[];
  /** Cells where the answer is not the expected one. */
  readonly failures: readonly MatrixCell[];
}

const METHODS: Readonly<Partial<Record<RequestMethod, string>>> = {
  [RequestMethod.GET]: 'GET',
  [RequestMethod.POST]: 'POST',
  [RequestMethod.PUT]: 'PUT',
  [RequestMethod.DELETE]: 'DELETE',
  [RequestMethod.PATCH]: 'PATCH',
};

function joinPath(...parts: (string | string[] | undefined)[]): string {
  const segments = parts
    .map((p) => (Array.isArray(p) ? (p[0] ?? '') : (p ?? '')))
    .flatMap((p) => p.split('/'))
    .filter((s) => s !== '');
  return `/${segments.join('/')}`;
}

/** Every HTTP route of the app's controllers, with what it declares. */
export function listRoutes(app: INestApplication, globalPrefix = ''): AppRoute[] {
  const reflector = app.get(Reflector);
  const routes: AppRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...a: never[]) => object) | null;
      if (!controller) continue;
      const base = Reflect.getMetadata('path', controller) as string | string[] | undefined;
      const proto = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const path = Reflect.getMetadata('path', handler) as string | string[] | undefined;
        const method = Reflect.getMetadata('method', handler) as RequestMethod | undefined;
        if (path === undefined || method === undefined) continue;
        routes.push({
          method: METHODS[method] ?? String(method),
          path: joinPath(globalPrefix, base, path),
          controller: controller.name,
          handler: name,
          access: routeAccess(reflector, [handler as object, controller]),
        });
      }
    }
  }
  return routes;
}

export interface RoleMatrixOptions {
  /** Base URL of the listening app, e.g. `http://127.0.0.1:3000`. */
  readonly baseUrl: string;
  /** Request headers that authenticate as `subject` (called per request: sessions may end). */
  readonly credentials: (subject: Role) => Promise<Record<string, string>>;
  /** Roles to walk; default every role but `public` (anonymous stands for it). */
  readonly roles?: readonly Role[];
  /** Values for path parameters by name; default a UUID that matches nothing. */
  readonly params?: Readonly<Record<string, string>>;
  readonly globalPrefix?: string;
}

/**
 * Calls every route as every subject. Denied means the guard answered (401/403 with code
 * `unauthenticated` or `forbidden`); any other answer (2xx, 400, 404…) means the caller got
 * through to the handler. Requests carry `{}` as body; handlers may run, so use a test database.
 */
export async function checkRoleMatrix(
  app: INestApplication,
  options: RoleMatrixOptions,
): Promise<MatrixReport> {
  const routes = listRoutes(app, options.globalPrefix);
  const roles = options.roles ?? ROLES.filter((r) => r !== Role.Public);
  const subjects: MatrixSubject[] = [ANONYMOUS, ...roles];
  const cells: MatrixCell[] = [];
  for (const route of routes) {
    const url = route.path.replace(
      /:(\w+)/g,
      (_m, name: string) => options.params?.[name] ?? '00000000-0000-4000-8000-000000000000',
    );
    for (const subject of subjects) {
      const a = route.access;
      const allowed =
        a.public || (subject !== ANONYMOUS && (a.authenticated || a.roles.includes(subject)));
      const headers = {
        'content-type': 'application/json',
        ...(subject === ANONYMOUS ? {} : await options.credentials(subject)),
      };
      const res = await fetch(`${options.baseUrl}${url}`, {
        method: route.method,
        headers,
        ...(route.method === 'GET' ? {} : { body: '{}' }),
      });
      const text = await res.text();
      let code: unknown = null;
      try {
        code = (JSON.parse(text) as { code?: unknown }).code;
      } catch {
        // not JSON: not the guard
      }
      const denied =
        (res.status === 401 && code === AccessErrorCode.Unauthenticated) ||
        (res.status === 403 && code === AccessErrorCode.Forbidden);
      cells.push({
        route: `${route.method} ${route.path}`,
        subject,
        expected: allowed ? 'allowed' : 'denied',
        status: res.status,
        ok: allowed !== denied,
      });
    }
  }
  return {
    routes,
    cells,
    undeclared: routes
      .filter((r) => !r.access.public && !r.access.authenticated && r.access.roles.length === 0)
      .map((r) => `${r.method} ${r.path}`),
    failures: cells.filter((c) => !c.ok),
  };
}

/**
 * One account per role, for checkRoleMatrix: people sign in afresh at each call (a route
 * may end the session), systems use one API key each. Names start with `prefix`.
 */
export async function roleCredentials(
  access: AccessService,
  options: { readonly prefix: string; readonly department: string; readonly password: string },
): Promise<(subject: Role) => Promise<Record<string, string>>> {
  const people = new Map<Role, string>();
  const systems = new Map<Role, string>();
  for (const role of ROLES) {
    if (role === Role.Public) continue;
    const person = PERSON_ROLES.includes(role);
    const account = await access.createAccount({
      name: `${options.prefix}${role}`,
      kind: person ? AccountKind.Person : AccountKind.System,
      roles: [role],
      department: options.department,
      ...(person ? { password: options.password } : {}),
    });
    if (person) people.set(role, account.name);
    else systems.set(role, (await access.createApiKey(account.id, 'role matrix')).key);
  }
  return async (subject): Promise<Record<string, string>> => {
    const key = systems.get(subject);
    if (key) return { 'x-api-key': key };
    const name = people.get(subject);
    if (!name) throw new RangeError(`no account for role ${subject}`);
    return { authorization: `Bearer ${(await access.signIn(name, options.password)).token}` };
  };
}
