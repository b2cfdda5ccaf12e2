import { expect } from 'chai';
import { tracingConfig } from '../../../src/config/index.js';

describe('Tracing configuration (the standard OTEL_* variables)', () => {
  it('is off without an endpoint or exporter, with OTEL_TRACES_EXPORTER=none, and with OTEL_SDK_DISABLED=true', () => {
    expect(tracingConfig({})).to.equal(null);
    expect(tracingConfig({ OTEL_SERVICE_NAME: 'auth' })).to.equal(null);
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' })).to.equal(null);
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).to.equal(null);
  });

  it('is on with an OTLP endpoint or a traces exporter, named client-auth unless OTEL_SERVICE_NAME says otherwise', () => {
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).to.deep.equal({ serviceName: 'client-auth' });
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces', OTEL_SERVICE_NAME: 'auth-eu' })).to.deep.equal({
      serviceName: 'auth-eu',
    });
    expect(tracingConfig({ OTEL_TRACES_EXPORTER: 'console' })).to.deep.equal({ serviceName: 'client-auth' });
  });
});
