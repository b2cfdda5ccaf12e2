/**
 * Answers that a gateway receives again and again: ValidateToken's and Check's for a token
 * it asks about on every request of a session. The token issuer hands out the same frozen
 * Principal for every check of one token (see src/adapters/crypto/jwt-token-issuer.ts), so
 * the answer built from it and its protobuf encoding are kept beside it, weakly: they go
 * when the issuer forgets the token. A repeated check then builds and encodes nothing; it
 * still verifies expiry and asks the revocation list every time, before the answer is
 * taken from here.
 *
 * The service definition's `responseSerialize` is replaced by `serialize`, which gives the
 * kept bytes for an answer from `of` and encodes any other answer as before.
 */
export class ReusedResponses<Key extends object, Response extends object> {
  private readonly responses = new WeakMap<Key, Response>();
  private readonly encodings = new WeakMap<Response, Buffer>();

  constructor(
    private readonly build: (key: Key) => Response,
    private readonly encode: (response: Response) => Buffer,
  ) {}

  /** The answer for `key`: one frozen object for as long as `key` lives. */
  of(key: Key): Response {
    let response = this.responses.get(key);
    if (response === undefined) {
      response = Object.freeze(this.build(key));
      this.responses.set(key, response);
      this.encodings.set(response, this.encode(response));
    }
    return response;
  }

  /** For the service definition: the kept bytes of an answer from `of`; any other answer encoded now. */
  readonly serialize = (response: Response): Buffer => this.encodings.get(response) ?? this.encode(response);
}
