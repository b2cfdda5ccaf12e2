/**
 * Reads the fields of a JSON request body by the names the original service used
 * (snake_case). The bridge only checks types here; what a valid email or password is
 * stays the service's business. A field that is missing or null reads as empty, which
 * the service then refuses if it is required.
 */
import { invalidField } from '../middleware/http-error.js';
import type { JsonObject } from './request-body.js';

export function stringField(body: JsonObject, field: string): string {
  const value = body[field];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw invalidField(field, `${field} must be a string`);
  return value;
}

/** A string field of a partial update (PATCH): missing or null is undefined, "leave it as it is". */
export function optionalStringField(body: JsonObject, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  return stringField(body, field);
}

export function stringListField(body: JsonObject, field: string): string[] {
  const value = body[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw invalidField(field, `${field} must be an array of strings`);
  }
  return value;
}

export function stringMapField(body: JsonObject, field: string): Record<string, string> {
  const value = body[field];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value) || !Object.values(value).every((item) => typeof item === 'string')) {
    throw invalidField(field, `${field} must be an object whose values are strings`);
  }
  // A plain copy: keys like __proto__ stay data and reach the service's validation.
  return Object.fromEntries(Object.entries(value as Record<string, string>));
}
