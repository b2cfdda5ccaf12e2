/**
 * Where the admin console lives, and every path its routers register, as they name them
 * (`/admin/clients/:id`). route-access.ts lists them as public for the gateways (the console
 * checks the session and the admin group itself); page-routes.ts renders their failures as
 * pages. A console section adds its paths here, and its first segment to the shipped
 * gateway configs' public pattern (deploy/gateways) if it is new. Other paths under /admin/
 * are not the console's: the shipped configs give them to the application behind the
 * gateway (its own admin area, checked for the admin group).
 */
export const CONSOLE_ROOT = '/admin';

export const CONSOLE_PATHS: readonly string[] = [
  CONSOLE_ROOT,
  // Clients (console-client-pages.tsx).
  '/admin/clients',
  '/admin/clients/:id',
  '/admin/clients/:id/suspend',
  '/admin/clients/:id/reinstate',
  '/admin/clients/:id/groups',
  '/admin/clients/:id/reset-second-factor',
  '/admin/clients/:id/delete',
  '/admin/clients/:id/deletion',
  '/admin/clients/:id/sessions/end',
  '/admin/clients/:id/sessions/end-all',
  // Service clients, audit log, signing keys, deletion requests (console-service-pages.tsx,
  // console-audit-pages.tsx, console-key-pages.tsx).
  '/admin/services',
  '/admin/services/:id/reset-secret',
  // A service client's OpenID Connect settings (console-oidc-client-pages.tsx).
  '/admin/services/:id/oidc',
  '/admin/audit',
  '/admin/audit/export',
  '/admin/signing-keys',
  '/admin/signing-keys/rotate',
  '/admin/deletion-requests',
];

/** A registered path as a pattern: each `:name` one segment. */
function patternOf(path: string): RegExp {
  const segments = path.split('/').map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${segments.join('/')}$`);
}

const PATTERNS = CONSOLE_PATHS.map(patternOf);

/** Whether a request's path is one of the console's. */
export function isConsolePath(path: string): boolean {
  return PATTERNS.some((pattern) => pattern.test(path));
}
