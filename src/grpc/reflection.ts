/**
 * gRPC server reflection (what grpcurl, grpcui and Postman use to list, describe and call
 * the API without the .proto files), served from the compiler's own descriptors.
 *
 * @grpc/reflection is normally fed @grpc/proto-loader's package definitions, whose
 * descriptors protobufjs re-synthesises: one file per package, no imports, map entries
 * named its own way. Go and C++ clients reject those ("cannot resolve type
 * google.protobuf.Timestamp", "invalid map"; grpc/grpc-node#2958). So ClientAuth's files
 * come from gen/ (written by proto/plugins/protoc-gen-descriptor-set.cjs under `npm run gen`, with
 * the proto comments), and grpc.health.v1, which we do not compile, is described below.
 *
 * Reflection is a debugging tool: its libraries (@grpc/reflection parses its own .proto files
 * with protobufjs; @bufbuild/protobuf encodes the health file) are loaded and its descriptors
 * built at its first call, not at every start, where they cost some 0.1 s. The two services
 * are registered at start with their paths; their handlers and (de)serialisers hand over to
 * the library's on first use. Both libraries are CommonJS, so they are loaded synchronously:
 * a request message can arrive before any await would finish.
 */
import { createRequire } from 'node:module';
import type { handleBidiStreamingCall, MethodDefinition, Server, ServiceDefinition } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import type { ReflectionService } from '@grpc/reflection';
import type * as Protobuf from '@bufbuild/protobuf';
import type * as Wkt from '@bufbuild/protobuf/wkt';
import { fileDescriptorProtos } from '../../gen/clientauth/v1/file_descriptors.js';
import { fileDescriptorProtos as errorDetailDescriptors } from '../../gen/google/rpc/file_descriptors.js';
import { fileDescriptorProtos as extAuthzFileDescriptorProtos } from '../../gen/envoy/service/auth/v3/file_descriptors.js';

/**
 * grpc/health/v1/health.proto as grpc-health-check serves it (Check, Watch, List). The
 * health protocol is frozen, so a literal is safer here than re-deriving it.
 */
function healthFile(protobuf: typeof Protobuf, wkt: typeof Wkt): Uint8Array {
  const { FieldDescriptorProto_Label: Label, FieldDescriptorProto_Type: Type, FileDescriptorProtoSchema } = wkt;
  return protobuf.toBinary(FileDescriptorProtoSchema, protobuf.create(FileDescriptorProtoSchema, {
  name: 'grpc/health/v1/health.proto',
  package: 'grpc.health.v1',
  syntax: 'proto3',
  options: { goPackage: 'google.golang.org/grpc/health/grpc_health_v1' },
  messageType: [
    { name: 'HealthListRequest' },
    {
      name: 'HealthListResponse',
      field: [
        { name: 'statuses', number: 1, label: Label.REPEATED, type: Type.MESSAGE, typeName: '.grpc.health.v1.HealthListResponse.StatusesEntry', jsonName: 'statuses' },
      ],
      nestedType: [
        {
          name: 'StatusesEntry',
          options: { mapEntry: true },
          field: [
            { name: 'key', number: 1, label: Label.OPTIONAL, type: Type.STRING, jsonName: 'key' },
            { name: 'value', number: 2, label: Label.OPTIONAL, type: Type.MESSAGE, typeName: '.grpc.health.v1.HealthCheckResponse', jsonName: 'value' },
          ],
        },
      ],
    },
    { name: 'HealthCheckRequest', field: [{ name: 'service', number: 1, label: Label.OPTIONAL, type: Type.STRING, jsonName: 'service' }] },
    {
      name: 'HealthCheckResponse',
      field: [
        { name: 'status', number: 1, label: Label.OPTIONAL, type: Type.ENUM, typeName: '.grpc.health.v1.HealthCheckResponse.ServingStatus', jsonName: 'status' },
      ],
      enumType: [
        {
          name: 'ServingStatus',
          value: [
            { name: 'UNKNOWN', number: 0 },
            { name: 'SERVING', number: 1 },
            { name: 'NOT_SERVING', number: 2 },
            { name: 'SERVICE_UNKNOWN', number: 3 },
          ],
        },
      ],
    },
  ],
  service: [
    {
      name: 'Health',
      method: [
        { name: 'Check', inputType: '.grpc.health.v1.HealthCheckRequest', outputType: '.grpc.health.v1.HealthCheckResponse' },
        { name: 'Watch', inputType: '.grpc.health.v1.HealthCheckRequest', outputType: '.grpc.health.v1.HealthCheckResponse', serverStreaming: true },
        { name: 'List', inputType: '.grpc.health.v1.HealthListRequest', outputType: '.grpc.health.v1.HealthListResponse' },
      ],
    },
  ],
  }));
}

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
    server.addService(definition, { ServerReflectionInfo: (call: Parameters<handleBidiStreamingCall<object, object>>[0]) => method(path).handler(call) });
  }
}

/** A reflection method as @grpc/reflection registers it. */
interface ReflectionMethod {
  definition: MethodDefinition<object, object>;
  handler: handleBidiStreamingCall<object, object>;
}

/** The method both versions of the reflection protocol serve, v1 and v1alpha. */
export const REFLECTION_PATHS = [
  '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
  '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo',
] as const;

/** Loads @grpc/reflection and builds its services; returns each method with its handler, by path. */
function buildReflection(): Map<string, ReflectionMethod> {
  const require = createRequire(import.meta.url);
  const { ReflectionService: Service } = require('@grpc/reflection') as { ReflectionService: typeof ReflectionService };
  const protobuf = require('@bufbuild/protobuf') as typeof Protobuf;
  const wkt = require('@bufbuild/protobuf/wkt') as typeof Wkt;
  // Each gen/ directory lists the files it imports as well; a file is served once.
  const seen = new Set<string>();
  const files = [...fileDescriptorProtos, ...extAuthzFileDescriptorProtos, ...errorDetailDescriptors]
    .filter((file) => !seen.has(file.name) && seen.add(file.name))
    .map((file) => Buffer.from(file.base64, 'base64'));
  files.push(Buffer.from(healthFile(protobuf, wkt)));
  // ReflectionService reads only `fileDescriptorProtos` from a package definition's entries.
  const packageDefinition = { 'clientauth.v1': { fileDescriptorProtos: files } } as unknown as PackageDefinition;
  const methods = new Map<string, ReflectionMethod>();
  new Service(packageDefinition).addToServer({
    addService(service: ServiceDefinition, implementation: Record<string, unknown>) {
      for (const [name, definition] of Object.entries(service)) {
        methods.set(definition.path, { definition: definition as MethodDefinition<object, object>, handler: implementation[name] as handleBidiStreamingCall<object, object> });
      }
    },
  } as unknown as Server);
  return methods;
}
