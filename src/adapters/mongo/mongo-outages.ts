import {
  MongoClientClosedError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerClosedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoWriteConcernError,
} from 'mongodb';
import { reportingOutages } from '../store-outages.js';

/**
 * Whether a driver error means MongoDB could not be reached (network, server selection, a
 * closed client, a server shutting down or stepping down, a majority that did not
 * acknowledge a write in time) rather than that the request was wrong. Retrying later may
 * succeed for the first kind only.
 */
export function isMongoOutage(error: unknown): boolean {
  if (error instanceof MongoWriteConcernError) return true;
  if (error instanceof MongoServerError) return error.hasErrorLabel('RetryableWriteError') || error.hasErrorLabel('ResetPool');
  return (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoClientClosedError ||
    error instanceof MongoServerClosedError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoOperationTimeoutError
  );
}

/** The store, with MongoDB outages reported as the domain's `UnavailableError`. */
export function withMongoOutages<T extends object>(store: T, what: string): T {
  return reportingOutages(store, what, isMongoOutage);
}
