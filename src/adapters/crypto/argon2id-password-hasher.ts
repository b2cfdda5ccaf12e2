import { randomBytes } from 'node:crypto';
import type { PasswordHasher } from '../../domain/abuse/ports.js';

/** The native module, loaded at the first hash or comparison: an instance on bcrypt whose store holds no argon2 hash never loads it. */
let argon2: Promise<typeof import('@node-rs/argon2')> | undefined;
const argon2Module = () => (argon2 ??= import('@node-rs/argon2'));
/** The parameters of an argon2id v19 PHC string. */
const ARGON2ID_V19_PARAMETERS = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/;

/** @node-rs/argon2's `Algorithm.Argon2id`, a const enum its type declarations cannot give at run time. */
const ARGON2ID = 2;
/** The PHC string's start for the one version this writes (0x13), before its parameters. */
const ARGON2ID_V19 = '$argon2id$v=19$';
/** Bytes of salt and of output, as @node-rs/argon2 writes them. */
const SALT_BYTES = 16;
const OUTPUT_BYTES = 32;
/**
 * Milliseconds per KiB per pass assumed before a hash is timed: about twice what a current
 * server core takes (docs/benchmarks.md), as for bcrypt's assumption. A hash fills its
 * memory once per pass, and @node-rs/argon2 runs the lanes on one thread, so the time grows
 * with memory × iterations, whatever the parallelism.
 */
const MS_PER_KIB_PASS = 0.001;

export interface Argon2idParameters {
  readonly memoryKib: number;
  readonly iterations: number;
  readonly parallelism: number;
}

/**
 * argon2id with configured parameters (@node-rs/argon2, on libuv's thread pool like bcrypt).
 * Verification of an unknown account runs against a dummy hash of the same parameters: a
 * fresh salt and a random output, so comparing against it costs a full hash, as against a
 * real one, and matches nothing; making it costs no hashing.
 */
export class Argon2idPasswordHasher implements PasswordHasher {
  private readonly dummyHash: string;
  private readonly options: { algorithm: number; memoryCost: number; timeCost: number; parallelism: number };

  constructor(private readonly parameters: Argon2idParameters) {
    this.options = { algorithm: ARGON2ID, memoryCost: parameters.memoryKib, timeCost: parameters.iterations, parallelism: parameters.parallelism };
    const b64 = (bytes: number) => randomBytes(bytes).toString('base64').replace(/=+$/, '');
    this.dummyHash = `${ARGON2ID_V19}${this.parametersField}$${b64(SALT_BYTES)}$${b64(OUTPUT_BYTES)}`;
  }

  /** How long one hash is taken to last before one has been timed on this machine. */
  get assumedHashMs(): number {
    return this.parameters.memoryKib * this.parameters.iterations * MS_PER_KIB_PASS;
  }

  async hash(password: string): Promise<string> {
    return (await argon2Module()).hash(password, this.options);
  }

  /** Compares against `hash` (any argon2 variant), or the dummy hash when it is null; false in that case. */
  async verify(password: string, hash: string | null): Promise<boolean> {
    const matches = await (await argon2Module()).verify(hash ?? this.dummyHash, password);
    return matches && hash !== null;
  }

  /** True unless `hash` is argon2id v19 with at least the configured memory, iterations and lanes. */
  needsRehash(hash: string): boolean {
    const stored = ARGON2ID_V19_PARAMETERS.exec(hash);
    if (!stored) return true;
    const [memoryCost, timeCost, parallelism] = stored.slice(1).map(Number) as [number, number, number];
    const { memoryKib, iterations, parallelism: lanes } = this.parameters;
    return memoryCost < memoryKib || timeCost < iterations || parallelism < lanes;
  }

  private get parametersField(): string {
    return `m=${this.parameters.memoryKib},t=${this.parameters.iterations},p=${this.parameters.parallelism}`;
  }
}
