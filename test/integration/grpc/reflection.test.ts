import { createRequire } from 'node:module';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { expect } from 'chai';
import { addReflection } from '../../../src/transport/grpc/reflection.js';

const require = createRequire(import.meta.url);
const PROTO_DIR = path.join(path.dirname(require.resolve('@grpc/reflection/package.json')), 'build', 'proto');

interface ReflectionResponse {
  listServicesResponse?: { service: Array<{ name: string }> };
  fileDescriptorResponse?: { fileDescriptorProto: Buffer[] };
  errorResponse?: { errorCode: number; errorMessage: string };
}

/** One request on a fresh reflection stream of `version`, answered by the server at `address`. */
async function ask(address: string, version: 'v1' | 'v1alpha', request: Record<string, string>): Promise<ReflectionResponse> {
  const definition = protoLoader.loadSync(path.join(PROTO_DIR, 'grpc', 'reflection', version, 'reflection.proto'), {
    keepCase: false,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const reflection = (grpc.loadPackageDefinition(definition) as any).grpc.reflection[version];
  const client = new reflection.ServerReflection(address, grpc.credentials.createInsecure());
  try {
    return await new Promise<ReflectionResponse>((resolve, reject) => {
      const stream = client.serverReflectionInfo();
      stream.on('data', (response: ReflectionResponse) => resolve(response));
      stream.on('error', reject);
      stream.write(request);
      stream.end();
    });
  } finally {
    client.close();
  }
}

describe('server reflection, built at its first call', () => {
  let server: grpc.Server;
  let address: string;

  before(async () => {
    server = new grpc.Server();
    addReflection(server);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    address = `127.0.0.1:${port}`;
  });

  after(() => server.forceShutdown());

  for (const version of ['v1', 'v1alpha'] as const) {
    it(`lists ClientAuth, ext_authz and health over ${version}`, async () => {
      const answer = await ask(address, version, { listServices: '' });
      const names = answer.listServicesResponse?.service.map((service) => service.name);
      expect(names).to.include.members(['clientauth.v1.ClientAuth', 'envoy.service.auth.v3.Authorization', 'grpc.health.v1.Health']);
    });

    it(`answers the file of a symbol, and a clear error for an unknown one, over ${version}`, async () => {
      const found = await ask(address, version, { fileContainingSymbol: 'grpc.health.v1.Health' });
      expect(found.fileDescriptorResponse?.fileDescriptorProto.length).to.be.at.least(1);
      expect(found.fileDescriptorResponse!.fileDescriptorProto[0]!.toString('latin1')).to.include('grpc/health/v1/health.proto');
      const missing = await ask(address, version, { fileContainingSymbol: 'no.such.Service' });
      expect(missing.errorResponse?.errorCode).to.equal(grpc.status.NOT_FOUND);
    });
  }
});
