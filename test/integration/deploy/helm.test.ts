/**
 * deploy/helm/client-auth, proven without a cluster (none runs here): `helm lint` and
 * `helm template` over the default values and two realistic overrides, each rendering
 * decoded strictly with the Kubernetes API types by test/helm (helm-check: unknown fields
 * refused; probes, preStop and grace period, security context, ports and selectors), and
 * the container's environment accepted by loadConfig as a production shared set-up.
 * A typo in values must fail `helm template` with the schema's message.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../../src/config/index.js';
import { CONFIGURATION } from '../../../src/config/variable-catalogue.js';
import { awaitTool, run, runBash, type ToolRun } from '../../support/go-tools.js';
import { repoRoot } from '../../support/paths.js';

const root = repoRoot();
const CHART = join(root, 'deploy/helm/client-auth');

/** What helm-check prints about a rendering it accepted (test/helm/checks.go's summary). */
interface Rendered {
  kinds: string[];
  replicas: number | null;
  env: { name: string; value?: string; secret?: string }[];
  preStopSleepSeconds: number;
  terminationGracePeriodSeconds: number;
  readinessService: string;
  servicePorts: string[];
  memoryRequestBytes: number;
  hpa: [number, number] | null;
  serviceMonitor: boolean;
}

/** A stand-in for each Secret's value, shaped as the service expects it. */
function secretValue(name: string): string {
  if (name === 'MONGODB_URI') return 'mongodb://client-auth:pw@mongo-0.mongo:27017/?replicaSet=rs0';
  if (name === 'REDIS_URL') return 'redis://:pw@redis:6379';
  if (name === 'SMTP_URL') return 'smtps://mailer:pw@smtp.example.com:465';
  return 'x'.repeat(48);
}

/** The container's environment as the pod would see it, Secrets resolved to stand-ins. */
function environmentOf(rendered: Rendered): Record<string, string> {
  return Object.fromEntries(rendered.env.map((entry) => [entry.name, entry.secret ? secretValue(entry.name) : (entry.value ?? '')]));
}

const documented = new Set(CONFIGURATION.flatMap((section) => section.variables.flatMap((row) => [...row.names, ...(row.alsoReads ?? [])])));

describe('Helm chart deploy/helm/client-auth', function () {
  this.timeout(60_000);
  let helm: string;
  let check: string;

  before(async function () {
    helm = await awaitTool(this, 'helm');
    check = await awaitTool(this, 'helm-check');
  });

  /** `helm template` piped to helm-check; the summary when both accept it. */
  async function render(args: string): Promise<ToolRun & { rendered: Rendered | null }> {
    const result = await runBash(`set -o pipefail; '${helm}' template auth '${CHART}' ${args} | '${check}'`, 60_000);
    return { ...result, rendered: result.exitCode === 0 ? (JSON.parse(result.stdout) as Rendered) : null };
  }

  const cases = [
    { title: 'the default values', file: null },
    { title: 'test/helm/values-sentinel.yaml (Sentinel, TLS, ServiceMonitor on)', file: 'test/helm/values-sentinel.yaml' },
    { title: 'test/helm/values-cluster.yaml (Redis Cluster, HPA off, four replicas)', file: 'test/helm/values-cluster.yaml' },
  ];
  const renderings = new Map<string | null, Promise<Rendered>>();
  /** The rendering of a values file (null: the defaults) that helm-check accepted, made once. */
  function rendered(file: string | null): Promise<Rendered> {
    if (!renderings.has(file)) {
      const valuesArg = file ? `-f '${join(root, file)}'` : '';
      renderings.set(
        file,
        render(valuesArg).then((result) => {
          expect(result.exitCode, result.stderr).to.equal(0);
          return result.rendered!;
        }),
      );
    }
    return renderings.get(file)!;
  }

  for (const { title, file } of cases) {
    describe(title, () => {
      it('passes helm lint --strict', async () => {
        const lint = await run(helm, ['lint', '--strict', CHART, ...(file ? ['-f', join(root, file)] : [])], 60_000);
        expect(lint.exitCode, lint.stdout + lint.stderr).to.equal(0);
      });

      it('renders manifests that decode strictly with the Kubernetes types and keep the chart promises', async () => {
        const result = await rendered(file);
        expect(result.readinessService).to.equal('clientauth.v1.ClientAuth');
        expect(result.servicePorts).to.include.members(['grpc:50051->50051', 'bridge:8000->8000']);
        expect(result.terminationGracePeriodSeconds).to.be.greaterThan(result.preStopSleepSeconds + 40);
      });

      it('gives the service an environment loadConfig accepts as a production shared set-up, of documented variables only', async () => {
        const result = await rendered(file);
        const undocumented = result.env.map((entry) => entry.name).filter((name) => !documented.has(name));
        expect(undocumented, 'variables docs/configuration.md does not list').to.deep.equal([]);
        const config = loadConfig(environmentOf(result));
        expect(config.production).to.equal(true);
        expect(config.stores.kind).to.equal('shared');
        expect(config.bridge.cookieSecure).to.equal(true);
      });
    });
  }

  it('renders what each set of values asks for', async () => {
    const [defaults, sentinel, cluster] = await Promise.all(cases.map((entry) => rendered(entry.file)));
    expect(defaults!.kinds).to.deep.equal(['Deployment', 'HorizontalPodAutoscaler', 'NetworkPolicy', 'PodDisruptionBudget', 'Service']);
    expect(defaults!.hpa).to.deep.equal([2, 6]);
    expect(defaults!.replicas).to.equal(null);
    expect(defaults!.memoryRequestBytes).to.equal(192 * 1024 * 1024);
    expect(defaults!.env.find((entry) => entry.name === 'MONGODB_URI')?.secret).to.equal('client-auth-mongodb/uri');

    expect(sentinel!.serviceMonitor).to.equal(true);
    expect(sentinel!.kinds).to.include('ServiceMonitor');
    const sentinelConfig = loadConfig(environmentOf(sentinel!));
    expect(sentinelConfig.stores.kind === 'shared' && sentinelConfig.stores.redis.kind).to.equal('sentinel');

    expect(cluster!.kinds).to.not.include('HorizontalPodAutoscaler');
    expect(cluster!.replicas).to.equal(4);
    expect([cluster!.preStopSleepSeconds, cluster!.terminationGracePeriodSeconds]).to.deep.equal([15, 75]);
    const clusterConfig = loadConfig(environmentOf(cluster!));
    expect(clusterConfig.stores.kind === 'shared' && clusterConfig.stores.redis.kind).to.equal('cluster');
  });

  describe('refusals', () => {
    it('fails helm template on a misspelt key, naming it (values.schema.json)', async () => {
      for (const typo of ['autoscaling.enabeld=false', 'redis.sentinel.master=mymaster', 'replicas=3']) {
        const result = await run(helm, ['template', 'auth', CHART, '--set', typo]);
        const key = typo.split('=')[0]!.split('.').at(-1)!;
        expect(result.exitCode, typo).to.not.equal(0);
        expect(result.stderr, typo).to.include("values don't meet the specifications of the schema");
        expect(result.stderr, typo).to.match(new RegExp(`additional properties? '${key}' not allowed`));
      }
    });

    it('fails helm template on a grace period that leaves no room for the drain', async () => {
      const result = await run(helm, ['template', 'auth', CHART, '--set', 'shutdown.terminationGracePeriodSeconds=30']);
      expect(result.exitCode).to.not.equal(0);
      expect(result.stderr).to.include('shutdown.terminationGracePeriodSeconds (30) must exceed shutdown.preStopSleepSeconds (10)');
    });

    it('has helm-check refuse an unknown field and a writable root filesystem', async () => {
      const template = await run(helm, ['template', 'auth', CHART]);
      expect(template.exitCode, template.stderr).to.equal(0);
      const dir = mkdtempSync(join(tmpdir(), 'helm-check-'));
      try {
        const misspelt = join(dir, 'misspelt.yaml');
        writeFileSync(misspelt, template.stdout.replace('readinessProbe:', 'readinesProbe:'));
        const unknown = await runBash(`'${check}' < '${misspelt}'`);
        expect(unknown.exitCode).to.equal(1);
        expect(unknown.stderr).to.match(/unknown field "spec\.template\.spec\.containers\[0\]\.readinesProbe"/);

        const writable = join(dir, 'writable.yaml');
        writeFileSync(writable, template.stdout.replace('readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false'));
        const result = await runBash(`'${check}' < '${writable}'`);
        expect(result.exitCode).to.equal(1);
        expect(result.stderr).to.include('readOnlyRootFilesystem is not true');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  it('lists the same top-level keys in values.yaml and values.schema.json', () => {
    const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8')) as { properties: Record<string, unknown> };
    const values = readFileSync(join(CHART, 'values.yaml'), 'utf8');
    const topLevel = [...values.matchAll(/^([a-zA-Z]+):/gm)].map((match) => match[1]);
    expect(topLevel.sort()).to.deep.equal(Object.keys(schema.properties).sort());
  });
});
