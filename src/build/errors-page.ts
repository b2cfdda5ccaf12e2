/** docs/errors.md, written from the catalogue of reasons (src/domain/kernel/errors.ts) and the bridge's own (bridge/middleware/http-error.ts). */
import { status } from '@grpc/grpc-js';
import { BRIDGE_REASONS, type BridgeReason, httpStatusOf } from '../../bridge/middleware/http-error.js';
import { REASONS, type Reason } from '../domain/kernel/errors.js';
import { grpcCodeOf } from '../transport/grpc/status-mapping.js';

export const ERRORS_PAGE = 'docs/errors.md';

export function errorsPage(): string {
  const lines = [
    '# Errors',
    '',
    '<!-- Written by `npm run docs` from src/domain/kernel/errors.ts and bridge/middleware/http-error.ts: edit those, not this page (test/drift/docs.test.ts fails when they differ). -->',
    '',
    'Every failure carries a stable UPPER_SNAKE reason that callers switch on. Over gRPC it is in the',
    'standard rich error model (`google.rpc.Status` with an `ErrorInfo` of domain `clientauth.v1`, a',
    '`BadRequest` naming the field at fault, a `RetryInfo` for a refusal that ends by itself), in',
    "client-auth's own `clientauth-error-bin` and in `clientauth-reason`; the bridge answers",
    '`{"message": ..., "reason": ..., "field": ...}` with the HTTP status below, and `Retry-After` where',
    'a wait is known. Anything unexpected is INTERNAL / 500 with no internal text; its cause is logged.',
    'How to read them: [api.md](api.md) (gRPC) and [bridge.md](bridge.md) (HTTP).',
    '',
    '## Reasons of the service',
    '',
    '| reason | gRPC status | HTTP status | default message |',
    '|---|---|---|---|',
  ];
  for (const reason of Object.keys(REASONS) as Reason[]) {
    const code = grpcCodeOf(REASONS[reason].kind);
    lines.push(`| \`${reason}\` | ${status[code]} | ${httpStatusOf(reason)} | ${REASONS[reason].message} |`);
  }
  lines.push(
    '',
    '## Reasons of the bridge',
    '',
    'Failures the bridge detects itself, before or instead of a call to the service.',
    '',
    '| reason | HTTP status | when |',
    '|---|---|---|',
  );
  for (const reason of Object.keys(BRIDGE_REASONS) as BridgeReason[]) {
    lines.push(`| \`${reason}\` | ${BRIDGE_REASONS[reason].status} | ${BRIDGE_REASONS[reason].meaning} |`);
  }
  return `${lines.join('\n')}\n`;
}
