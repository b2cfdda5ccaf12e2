/**
 * The baseline of the ValidateToken figure: a bare grpc-js server answering
 * bench.v1.Echo/Echo, with no logging, no validation and no work beyond decoding and
 * encoding one string. Started pinned to a core by run.ts; announces its port.
 *
 * With `--as-client-auth` it serves as client-auth's gRPC server does (see
 * src/transport/grpc/stream-table.ts): its HTTP/2 sessions keep their streams in tables and V8's
 * pretenuring is off. That is the stricter baseline: the wire with the same GC fixes.
 */
import { join } from 'node:path';
import { type GrpcObject, loadPackageDefinition, Server, ServerCredentials, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { keepServerStreamsInTables, stopPretenuring } from '../../src/transport/grpc/stream-table.js';
import { repoRoot } from '../support/paths.js';
import { announce, stopWithRunner } from './child.js';

export const ECHO_PROTO = join(repoRoot(), 'test/bench/proto/bench/v1/echo.proto');

async function main(): Promise<void> {
  const definition = loadPackageDefinition(loadSync(ECHO_PROTO));
  const echo = ((definition['bench'] as GrpcObject)['v1'] as GrpcObject)['Echo'] as ServiceClientConstructor;
  const server = new Server();
  server.addService(echo.service, {
    echo: (call: { request: { message: string } }, callback: (error: null, response: { message: string }) => void) => {
      callback(null, { message: call.request.message });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  const tuned = process.argv.includes('--as-client-auth');
  if (tuned) stopPretenuring();
  const tables = tuned
    ? keepServerStreamsInTables(server, (reason) => {
        process.stderr.write(`echo server: no stream tables: ${reason}\n`);
        process.exit(1);
      })
    : null;
  stopWithRunner(async () => {
    if (tables) process.stderr.write(`echo server: ${tables.sessions} sessions, ${tables.withTables} with stream tables\n`);
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  });
  announce({ port });
}

main().catch((error: unknown) => {
  process.stderr.write(`echo server: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
