/**
 * gRPC server reflection (what grpcurl, grpcui and Postman use to list, describe and call
 * the API without the .proto files), served from the compiler's own descriptors.
 *
 * @grpc/reflection is normally fed @grpc/proto-loader's package definitions, whose
 * descriptors protobufjs re-synthesises: one file per package, no imports, map entries
 * named its own way. Go and C++ clients reject those ("cannot resolve type
 * google.protobuf.Timestamp", "invalid map"; grpc/grpc-node#2958). So ClientAuth's files
 * come from gen/ (written by proto/plugins/protoc-gen-descriptor-set.cjs under `npm run gen`, with
 * the proto comments), grpc.health.v1's included.
 *
 * Reflection is a debugging tool: its library (@grpc/reflection, which parses its own .proto
 * files with protobufjs) is loaded and its descriptors built at its first call, not at every
 * start, which would pay for them whether anyone reflects or not. The two services are
 * registered at start with their paths; their handlers and (de)serialisers hand over to the
 * library's on first use. The library is CommonJS, so it is loaded synchronously: a request
 * message can arrive before any await would finish.
 */
import { createRequire } from 'node:module';
import { type handleBidiStreamingCall, type MethodDefinition, type Server, type ServiceDefinition, status } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import type { ReflectionService } from '@grpc/reflection';
import { fileDescriptorProtos } from '../../../gen/clientauth/v1/file_descriptors.js';
import { fileDescriptorProtos as extAuthzFileDescriptorProtos } from '../../../gen/envoy/service/auth/v3/file_descriptors.js';
import { fileDescriptorProtos as errorDetailDescriptors } from '../../../gen/google/rpc/file_descriptors.js';
import { fileDescriptorProtos as healthFileDescriptorProtos } from '../../../gen/grpc/health/v1/file_descriptors.js';

/**
 * Adds the reflection service (v1 and v1alpha) describing ClientAuth, Envoy's ext_authz,
 * grpc.health.v1, and google.rpc's error details, so grpcurl decodes an error's ErrorInfo
 * and BadRequest.
 */
export function addReflection(server: Pick<Server, 'addService'>): void {
  let built: Map<string, ReflectionMethod> | null = null;
  const method = (path: string) => {
    built ??= buildReflection();
    const found = built.get(path);
    if (!found) throw new Error(`@grpc/reflection no longer serves ${path}`);
    return found;
  };
  for (const path of REFLECTION_PATHS) {
    const definition: ServiceDefinition = {
      ServerReflectionInfo: {
        path,
        requestStream: true,
        responseStream: true,
        originalName: 'serverReflectionInfo',
        requestSerialize: (value: object) => method(path).definition.requestSerialize(value),
        requestDeserialize: (bytes: Buffer) => method(path).definition.requestDeserialize(bytes),
        responseSerialize: (value: object) => method(path).definition.responseSerialize(value),
        responseDeserialize: (bytes: Buffer) => method(path).definition.responseDeserialize(bytes),
      },
    };
    const handler: handleBidiStreamingCall<object, object> = (call) => {
      try {
        method(path).handler(call);
      } catch (error) {
        // A library that no longer loads or builds fails the call, not the process.
        call.emit('error', { code: status.UNIMPLEMENTED, details: `server reflection is not available: ${(error as Error).message}` });
      }
    };
    server.addService(definition, { ServerReflectionInfo: handler });
  }
}

/** A reflection method as @grpc/reflection registers it. */
interface ReflectionMethod {
  definition: MethodDefinition<object, object>;
  handler: handleBidiStreamingCall<object, object>;
}

/** The method both versions of the reflection protocol serve, v1 and v1alpha. */
const REFLECTION_PATHS = [
  '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
  '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo',
] as const;

/** Loads @grpc/reflection and builds its services; returns each method with its handler, by path. */
function buildReflection(): Map<string, ReflectionMethod> {
  const require = createRequire(import.meta.url);
  const { ReflectionService: Service } = require('@grpc/reflection') as { ReflectionService: typeof ReflectionService };
  // Each gen/ directory lists the files it imports as well; a file is served once.
  const seen = new Set<string>();
  const files = [...fileDescriptorProtos, ...extAuthzFileDescriptorProtos, ...healthFileDescriptorProtos, ...errorDetailDescriptors]
    .filter((file) => !seen.has(file.name) && seen.add(file.name))
    .map((file) => Buffer.from(file.base64, 'base64'));
  // ReflectionService reads only `fileDescriptorProtos` from a package definition's entries.
  const packageDefinition = { 'clientauth.v1': { fileDescriptorProtos: files } } as unknown as PackageDefinition;
  const methods = new Map<string, ReflectionMethod>();
  new Service(packageDefinition).addToServer({
    addService(service: ServiceDefinition, implementation: Record<string, unknown>) {
      for (const [name, definition] of Object.entries(service)) {
        methods.set(definition.path, {
          definition: definition as MethodDefinition<object, object>,
          handler: implementation[name] as handleBidiStreamingCall<object, object>,
        });
      }
    },
  } as unknown as Server);
  return methods;
}
