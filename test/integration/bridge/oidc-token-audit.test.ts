import { expect } from 'chai';
import * as client from 'openid-client';
import { type AuditEvent, AuditOutcome } from '../../../gen/clientauth/v1/audit.js';
import { ListAuditEventsRequest } from '../../../gen/clientauth/v1/client_auth.js';
import { type OidcStack, oauthErrorOf, registerServiceClient, signedInToApp, startOidcStack } from '../../support/oidc-fixture.js';
import { SETUP_TITLES, SETUPS } from '../../support/server.js';

for (const setup of SETUPS)
  describe(`The audit trail of the tokens the OpenID Provider issues (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let stack: OidcStack;
    /** Every token and secret these tests saw: none may appear in the trail. */
    const secrets = new Set<string>();
    before(async function () {
      stack = await startOidcStack(setup, this, 'oidc_token_audit');
    });
    after(async () => stack?.close());

    async function eventsOf(filter: Partial<ListAuditEventsRequest>): Promise<AuditEvent[]> {
      await stack.server.app.audit.flush();
      const page = await stack.server.api.listAuditEvents(ListAuditEventsRequest.fromPartial({ pageSize: 500, type: 'oidc_token.issued', ...filter }), {
        token: await stack.adminToken(),
      });
      return page.events;
    }

    it('records a client-credentials token: the service as actor and target, the grant type, the IP', async () => {
      const service = await registerServiceClient(stack);
      secrets.add(service.secret);
      const configuration = await stack.discover(service.id, service.secret, client.ClientSecretBasic(service.secret));
      secrets.add((await client.clientCredentialsGrant(configuration)).access_token);
      const events = await eventsOf({ actorId: service.id });
      expect(events).to.have.length(1);
      expect(events[0]).to.include({ outcome: AuditOutcome.AUDIT_OUTCOME_SUCCESS, targetClientId: service.id, grantType: 'client_credentials' });
      expect(events[0]!.clientIp).to.match(/^(127\.0\.0\.1|::1)$/);
    });

    it('records the code exchange and each refresh: the app as actor, the person as target, the grant as session', async () => {
      const { app, person, configuration, tokens } = await signedInToApp(stack);
      secrets.add(app.secret).add(tokens.access_token).add(tokens.refresh_token!).add(tokens.id_token!);
      const refreshed = await client.refreshTokenGrant(configuration, tokens.refresh_token!);
      secrets.add(refreshed.access_token).add(refreshed.refresh_token!);
      const events = await eventsOf({ actorId: app.id });
      expect(events.map((event) => event.grantType)).to.have.members(['authorization_code', 'refresh_token']);
      for (const event of events) {
        expect(event).to.include({ outcome: AuditOutcome.AUDIT_OUTCOME_SUCCESS, targetClientId: person.id });
        expect(event.sessionId).to.not.equal('');
      }
      expect(events[0]!.sessionId).to.equal(events[1]!.sessionId);
    });

    it('records a failed client authentication at the token endpoint as a failure, naming the client it tried', async () => {
      const service = await registerServiceClient(stack);
      secrets.add(service.secret).add('not the secret');
      const wrong = await stack.discover(service.id, 'not the secret', client.ClientSecretPost('not the secret'));
      expect(await oauthErrorOf(client.clientCredentialsGrant(wrong))).to.equal('invalid_client');
      const events = await eventsOf({ targetClientId: service.id, outcome: AuditOutcome.AUDIT_OUTCOME_FAILURE });
      expect(events).to.have.length(1);
      expect(events[0]).to.include({ actorId: 'anonymous', reason: 'INVALID_CREDENTIALS', grantType: 'client_credentials' });
    });

    it('never holds a token or secret in a record, stored, streamed or logged', async () => {
      await stack.server.app.audit.flush();
      const texts = [JSON.stringify(await eventsOf({})), ...stack.server.logs.filter((line) => line.includes('"audit":true'))];
      if (setup === 'shared') {
        texts.push(JSON.stringify(await stack.server.db.collection('audit_events').find().toArray()));
        texts.push(JSON.stringify(await stack.server.redis.xrange(stack.server.config.audit.stream, '-', '+')));
      }
      expect(secrets.size).to.be.above(8);
      for (const text of texts) for (const secret of secrets) expect(text.includes(secret), 'a secret in the audit trail').to.equal(false);
    });
  });
