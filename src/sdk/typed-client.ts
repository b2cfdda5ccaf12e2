/**
 * A typed, promise-based client for service authors:
 *
 *   const auth = createClientAuthClient('client-auth:50051');
 *   const who = await auth.validateToken({ token });
 *
 * Every call has a deadline; `token` (per call or for the client) is sent as
 * `authorization: Bearer <token>`.
 */
import { type CallOptions, ChannelCredentials, type handleUnaryCall, Metadata, type ServiceError } from '@grpc/grpc-js';
import * as accountApi from '../../gen/clientauth/v1/account.js';
import * as adminConsoleApi from '../../gen/clientauth/v1/admin_console.js';
import * as adminOverviewApi from '../../gen/clientauth/v1/admin_overview.js';
import * as api from '../../gen/clientauth/v1/client_auth.js';
import { ClientAuthClient, type ClientAuthServer, ClientAuthService, type DeepPartial } from '../../gen/clientauth/v1/client_auth.js';
import * as oidcClientsApi from '../../gen/clientauth/v1/oidc_clients.js';
import * as passwordStrengthApi from '../../gen/clientauth/v1/password_strength.js';
import * as secondFactorApi from '../../gen/clientauth/v1/second_factor.js';
import * as signingKeyApi from '../../gen/clientauth/v1/signing_keys.js';
import { CLIENT_IP_KEY, CLIENT_USER_AGENT_KEY, REQUEST_ID_KEY } from './call-metadata.js';
import { type RetryOptions, retryServiceConfig } from './retry-policy.js';

export interface ClientAuthCallOptions {
  /** The bearer token for this call; overrides the client's. */
  token?: string;
  /** Milliseconds before the call fails with DEADLINE_EXCEEDED; overrides the client's. */
  deadlineMs?: number;
  /** Propagated as `x-request-id` so logs on both sides line up. */
  requestId?: string;
  /** The user agent of the end client a proxy calls for, recorded in the audit trail. */
  userAgent?: string;
  /**
   * The IP of the end client a proxy calls for, sent as `x-client-ip`; the server believes
   * it only from peers in its TRUSTED_PROXY_CIDRS.
   */
  clientIp?: string;
}

export interface ClientAuthClientOptions {
  credentials?: ChannelCredentials;
  /** Default deadline of every call, in milliseconds (5000). */
  deadlineMs?: number;
  /** A bearer token, or a function returning the current one, for calls that need it. */
  token?: string | (() => string);
  /** Metadata sent with every call. */
  metadata?: Readonly<Record<string, string>>;
  /**
   * Retries of the idempotent calls on UNAVAILABLE (src/sdk/retry-policy.ts), within the call's
   * deadline; `false` turns them off. On by default.
   */
  retry?: RetryOptions | false;
}

type Request<H> = H extends handleUnaryCall<infer Req, infer _Res> ? Req : never;
type Response<H> = H extends handleUnaryCall<infer _Req, infer Res> ? Res : never;

/** The unary RPCs; a stream (WatchRevocations) is read through `raw` or `RevocationWatcher`. */
type Definitions = typeof ClientAuthService;
type UnaryMethod = { [K in keyof Definitions]: Definitions[K]['responseStream'] extends false ? K : never }[keyof Definitions];

/**
 * Each unary RPC of ClientAuth as `(request, options?) => Promise<response>`. A request gives
 * only the fields it sets (`registerUser({ email, password })`); the rest take their proto defaults.
 */
export type ClientAuthCalls = {
  [K in UnaryMethod]: (request: DeepPartial<Request<ClientAuthServer[K]>>, options?: ClientAuthCallOptions) => Promise<Response<ClientAuthServer[K]>>;
} & {
  close(): void;
};

export type ClientAuthPromiseClient = ClientAuthCalls & {
  /** The generated callback client, for streaming or custom call options. */
  readonly raw: ClientAuthClient;
};

/** One unary method as the generated client has it: request, metadata, options, callback. */
export type UnaryCallbackMethod = (
  request: unknown,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: unknown) => void,
) => unknown;

/** What the promise layer needs of a client: the generated client, or one that calls the handlers in process. */
export type UnaryCallbackClient = Record<UnaryMethod, UnaryCallbackMethod> & { close(): void };

export function createClientAuthClient(address: string, options: ClientAuthClientOptions = {}): ClientAuthPromiseClient {
  const channelOptions = options.retry === false ? {} : { 'grpc.service_config': retryServiceConfig(options.retry) };
  const raw = new ClientAuthClient(address, options.credentials ?? ChannelCredentials.createInsecure(), channelOptions);
  return Object.assign(promiseClient(raw as unknown as UnaryCallbackClient, options), { raw });
}

/**
 * The promise layer over any callback client: one place completes the request and builds
 * the metadata (bearer token, request id, client address) and the deadline, whichever
 * transport carries the call.
 */
export function promiseClient(raw: UnaryCallbackClient, options: Omit<ClientAuthClientOptions, 'credentials' | 'retry'> = {}): ClientAuthCalls {
  const client: Record<string, unknown> = { close: () => raw.close() };
  for (const [name, definition] of Object.entries(ClientAuthService)) {
    if (definition.responseStream) continue;
    const method = name as UnaryMethod;
    const rawMethod = raw[method];
    const complete = requestFiller(method);
    client[method] = (partial: unknown, callOptions: ClientAuthCallOptions = {}) => {
      const request = complete(partial);
      const metadata = new Metadata();
      for (const [key, value] of Object.entries(options.metadata ?? {})) metadata.set(key, value);
      const token = callOptions.token ?? (typeof options.token === 'function' ? options.token() : options.token);
      if (token) metadata.set('authorization', `Bearer ${token}`);
      if (callOptions.requestId) metadata.set(REQUEST_ID_KEY, callOptions.requestId);
      // Metadata takes printable ASCII only; a browser's header may hold anything.
      if (callOptions.userAgent) metadata.set(CLIENT_USER_AGENT_KEY, callOptions.userAgent.replace(/[^ -~]/g, '').slice(0, 256));
      if (callOptions.clientIp) metadata.set(CLIENT_IP_KEY, callOptions.clientIp);
      const deadline = Date.now() + (callOptions.deadlineMs ?? options.deadlineMs ?? 5000);
      return new Promise((resolve, reject) => {
        rawMethod.call(raw, request, metadata, { deadline }, (error, response) => (error ? reject(error) : resolve(response)));
      });
    };
  }
  return client as ClientAuthCalls;
}

/** What the filler needs of a generated message. */
type MessageCodec = { fromPartial?: (partial: unknown) => unknown };

/**
 * Fills a partial request with the proto defaults, through the generated `fromPartial` of
 * the method's request message (`XRequest` for RPC `X`: buf lint's RPC_REQUEST_STANDARD_NAME
 * holds every RPC to that name).
 */
function requestFiller(method: string): (partial: unknown) => unknown {
  const name = `${method.charAt(0).toUpperCase()}${method.slice(1)}Request`;
  // The account, admin console and overview, OIDC client, password-strength and second-factor messages are generated from their own proto files.
  const messages = {
    ...api,
    ...accountApi,
    ...adminConsoleApi,
    ...adminOverviewApi,
    ...oidcClientsApi,
    ...passwordStrengthApi,
    ...secondFactorApi,
    ...signingKeyApi,
  } as unknown as Record<string, MessageCodec | undefined>;
  const message = messages[name];
  if (typeof message?.fromPartial !== 'function') throw new Error(`no generated ${name} for ${method}`);
  return message.fromPartial.bind(message);
}

export { ERROR_DOMAIN, errorDetailOf, RETRY_AFTER_KEY, type RichStatusDetails, richStatusOf } from './error-details.js';
