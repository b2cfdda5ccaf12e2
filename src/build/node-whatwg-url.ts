/**
 * What the bundle gives the MongoDB driver's connection-string parser
 * (mongodb-connection-string-url) for `whatwg-url` (src/build/bundle.ts): Node's own WHATWG
 * URL, which reads connection strings as the package does
 * (test/unit/build/connection-string-url.test.ts), without loading the package and tr46's
 * mapping table at every start of the shared set-up.
 */
export { URL, URLSearchParams } from 'node:url';
