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
 */
import type { Server } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import type { PackageDefinition } from '@grpc/proto-loader';
import { create, toBinary } from '@bufbuild/protobuf';
import { FieldDescriptorProto_Label as Label, FieldDescriptorProto_Type as Type, FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { fileDescriptorProtos } from '../../gen/clientauth/v1/file_descriptors.js';
import { fileDescriptorProtos as errorDetailDescriptors } from '../../gen/google/rpc/file_descriptors.js';
import { fileDescriptorProtos as extAuthzFileDescriptorProtos } from '../../gen/envoy/service/auth/v3/file_descriptors.js';

/**
 * grpc/health/v1/health.proto as grpc-health-check serves it (Check, Watch, List). The
 * health protocol is frozen, so a literal is safer here than re-deriving it.
 */
const HEALTH_FILE = create(FileDescriptorProtoSchema, {
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
});

/**
 * Adds the reflection service (v1 and v1alpha) describing ClientAuth, Envoy's ext_authz,
 * grpc.health.v1, and google.rpc's error details, so grpcurl decodes an error's ErrorInfo
 * and BadRequest.
 */
export function addReflection(server: Pick<Server, 'addService'>): void {
  // Each gen/ directory lists the files it imports as well; a file is served once.
  const seen = new Set<string>();
  const files = [...fileDescriptorProtos, ...extAuthzFileDescriptorProtos, ...errorDetailDescriptors]
    .filter((file) => !seen.has(file.name) && seen.add(file.name))
    .map((file) => Buffer.from(file.base64, 'base64'));
  files.push(Buffer.from(toBinary(FileDescriptorProtoSchema, HEALTH_FILE)));
  // ReflectionService reads only `fileDescriptorProtos` from a package definition's entries.
  const definition = { 'clientauth.v1': { fileDescriptorProtos: files } } as unknown as PackageDefinition;
  new ReflectionService(definition).addToServer(server);
}
