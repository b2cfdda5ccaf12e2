/**
 * The baseline of the ValidateToken figure: a bare grpc-js server answering
 * bench.v1.Echo/Echo, with no logging, no validation and no work beyond decoding and
 * encoding one string. Started pinned to a core by run.ts; announces its port.
 *
 * With `--stream-tables` its HTTP/2 sessions keep their streams as client-auth's do (see
 * src/grpc/stream-table.ts): the stricter baseline, the wire with the same GC fix.
 */
import { join } from 'node:path';
import { Server, ServerCredentials, loadPackageDefinition, type GrpcObject, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { keepServerStreamsInTables } from '../../src/grpc/stream-table.js';
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
  if (process.argv.includes('--stream-tables')) {
    keepServerStreamsInTables(server, (reason) => {
      process.stderr.write(`echo server: no stream tables: ${reason}\n`);
      process.exit(1);
    });
  }
  stopWithRunner(() => new Promise<void>((resolve) => server.tryShutdown(() => resolve())));
  announce({ port });
}

main().catch((error: unknown) => {
  process.stderr.write(`echo server: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
