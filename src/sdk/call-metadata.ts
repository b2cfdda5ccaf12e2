/**
 * The metadata keys a client and the server agree on, beyond gRPC's own. The server reads
 * them (src/transport/grpc), so they are defined here, where clients find them.
 */

/** The gRPC metadata key (and, capitalised, the HTTP header) that carries a request id. */
export const REQUEST_ID_KEY = 'x-request-id';

/** The metadata key a trusted proxy (the bridge) uses to name the client it calls for. */
export const CLIENT_IP_KEY = 'x-client-ip';

/** The metadata key a proxy uses for the user agent of the client it calls for. */
export const CLIENT_USER_AGENT_KEY = 'x-client-user-agent';
