/**
 * deploy/kubernetes, checked with what runs here: every object is built with kubernetes-models
 * (and @kubernetes-models/keda for the ScaledObject) and validated against the API schemas; every
 * ConfigMap, Secret, Service, scale target and selector it refers to exists in the kustomization;
 * every service and connector-type worker has its Deployment with probes on the operations port.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { loadConfig, SERVICE_NAMES } from '@connector-host/config';
import { connectorSettingsSchemas } from '@connector-host/connectors';
import { exportedSeriesNames } from '@connector-host/telemetry';
import { metricNamesIn } from '../support/promql';

const dir = join(__dirname, '..', '..', 'deploy', 'kubernetes');

type Json = Record<string, any>;
const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
};

const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as {
  namespace: string;
  resources: string[];
  configMapGenerator: Array<{ name: string; files: string[] }>;
};
const objects: Json[] = kustomization.resources.flatMap((file) =>
  parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc) => {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
    return { ...(doc.toJS() as Json), __file: file };
  }),
);
const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);
const named = (kind: string, name: string) => ofKind(kind).find((o) => o.metadata.name === name);
const deployments = ofKind('Deployment');
const workloads = [...deployments, ...ofKind('StatefulSet')];
const containersOf = (workload: Json): Json[] => workload.spec.template.spec.containers;
const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels?.[k] === v);

describe('deploy/kubernetes', () => {
  it('lists only files that exist, and a config file the loader accepts', () => {
    for (const file of kustomization.resources) expect({ file, exists: existsSync(join(dir, file)) }).toEqual({ file, exists: true });
    const [generator] = kustomization.configMapGenerator;
    const [key, path] = generator.files[0].split('=');
    expect(key).toBe('connector-host.yaml');
    const config = loadConfig(join(dir, path), {
      env: { HR_SECRET_TOKEN: 'a-long-enough-secret-token', HR_DATABASE_URL: 'postgres://u:p@db:5432/hr', REDIS_URL: 'redis://redis:6379' },
      connectorSettingsSchemas: connectorSettingsSchemas(),
    });
    expect(config.server.metricsPort).toBe(9464);
    expect(config.server.port).toBe(8585);
  });

  it.each(objects.map((o) => [`${o.__file}: ${o.kind} ${o.metadata?.name}`, o]))('%s is valid against its API schema', (_, object) => {
    const { __file, ...data } = object as Json;
    const Model = MODELS[`${data.apiVersion}/${data.kind}`];
    expect({ kind: `${data.apiVersion}/${data.kind}`, known: Model !== undefined }).toEqual({ kind: `${data.apiVersion}/${data.kind}`, known: true });
    expect(() => new Model(data).validate()).not.toThrow();
  });

  it('the validation can fail: a port given as text is refused', () => {
    const broken = structuredClone(named('Deployment', 'scim-api')!);
    delete broken.__file;
    broken.spec.template.spec.containers[0].ports[0].containerPort = '8585';
    expect(() => new Deployment(broken).validate()).toThrow(/containerPort/);
  });

  it('runs a Deployment per service and per connector-type worker, from one image', () => {
    const byArgs = deployments.map((d) => containersOf(d)[0].args.join(' '));
    for (const service of SERVICE_NAMES) expect(byArgs.some((a) => a.startsWith(`start ${service}`))).toBe(true);
    for (const deployment of deployments) {
      const [container] = containersOf(deployment);
      expect(container.image).toBe('connector-host');
      expect(container.args).toEqual(expect.arrayContaining(['--config', '/etc/connector-host/connector-host.yaml']));
      if (/worker/.test(container.args[1])) {
        expect({ name: deployment.metadata.name, args: container.args }).toEqual({ name: deployment.metadata.name, args: expect.arrayContaining(['--connector-type', 'sql']) });
        expect(deployment.metadata.name).toBe(`${container.args[1]}-sql`);
      }
    }
  });

  it('probes every pod: liveness and readiness on the operations port, which every container declares', () => {
    for (const workload of workloads) {
      for (const container of containersOf(workload)) {
        expect({ name: workload.metadata.name, liveness: !!container.livenessProbe, readiness: !!container.readinessProbe }).toEqual({
          name: workload.metadata.name,
          liveness: true,
          readiness: true,
        });
        const ports = new Set((container.ports ?? []).flatMap((p: Json) => [p.name, p.containerPort]));
        for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe].filter(Boolean)) {
          const port = probe.httpGet?.port ?? probe.tcpSocket?.port;
          if (port !== undefined) expect({ name: workload.metadata.name, port, declared: ports.has(port) }).toEqual({ name: workload.metadata.name, port, declared: true });
        }
      }
    }
    for (const deployment of deployments) {
      const [container] = containersOf(deployment);
      expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
      expect(container.ports).toEqual(expect.arrayContaining([{ name: 'metrics', containerPort: 9464 }]));
      expect(deployment.spec.template.metadata.annotations['prometheus.io/port']).toBe('9464');
    }
  });

  it('takes config from the generated ConfigMap and secrets from the Secret, and every key it names exists', () => {
    const configMaps = new Set([...kustomization.configMapGenerator.map((g) => g.name), ...ofKind('ConfigMap').map((c) => c.metadata.name)]);
    const secrets = new Map(ofKind('Secret').map((s) => [s.metadata.name, new Set(Object.keys({ ...s.data, ...s.stringData }))]));
    for (const workload of workloads) {
      const spec = workload.spec.template.spec;
      for (const volume of spec.volumes ?? []) {
        if (volume.configMap) expect(configMaps.has(volume.configMap.name)).toBe(true);
        if (volume.secret) expect(secrets.has(volume.secret.secretName)).toBe(true);
      }
      for (const container of spec.containers) {
        for (const env of container.env ?? []) {
          const ref = env.valueFrom?.secretKeyRef;
          if (ref) expect({ env: env.name, ref, exists: secrets.get(ref.name)?.has(ref.key) ?? false }).toEqual({ env: env.name, ref, exists: true });
          const cm = env.valueFrom?.configMapKeyRef;
          if (cm) expect(configMaps.has(cm.name)).toBe(true);
          // no secret value written into a manifest
          if (typeof env.value === 'string') expect(env.value).not.toMatch(/password|token/i);
        }
        for (const from of container.envFrom ?? []) {
          if (from.configMapRef) expect(configMaps.has(from.configMapRef.name)).toBe(true);
          if (from.secretRef) expect(secrets.has(from.secretRef.name)).toBe(true);
        }
      }
    }
    // every ${NAME} of the config file reaches each pod from the Secret
    const [generator] = kustomization.configMapGenerator;
    const configText = readFileSync(join(dir, generator.files[0].split('=')[1]), 'utf8');
    const values = configText.split('\n').filter((line) => !line.trim().startsWith('#')).join('\n');
    const needed = [...values.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]);
    expect(needed.sort()).toEqual(['HR_DATABASE_URL', 'HR_SECRET_TOKEN']);
    for (const deployment of deployments) {
      const provided = containersOf(deployment)[0].env.map((e: Json) => e.name);
      for (const name of [...needed, 'REDIS_URL']) expect({ deployment: deployment.metadata.name, name, provided: provided.includes(name) }).toEqual({ deployment: deployment.metadata.name, name, provided: true });
    }
  });

  it('selectors of Services, PodDisruptionBudgets and NetworkPolicies match pods that exist, on ports they declare', () => {
    const podLabels = workloads.map((w) => w.spec.template.metadata.labels as Record<string, string>);
    for (const service of ofKind('Service')) {
      const targets = workloads.filter((w) => matches(service.spec.selector, w.spec.template.metadata.labels));
      expect({ service: service.metadata.name, targets: targets.length }).toEqual({ service: service.metadata.name, targets: 1 });
      const ports = new Set(containersOf(targets[0]).flatMap((c) => (c.ports ?? []).map((p: Json) => p.name)));
      for (const port of service.spec.ports) expect(ports.has(port.targetPort)).toBe(true);
    }
    for (const pdb of ofKind('PodDisruptionBudget')) {
      expect({ pdb: pdb.metadata.name, matched: podLabels.some((l) => matches(pdb.spec.selector.matchLabels, l)) }).toEqual({ pdb: pdb.metadata.name, matched: true });
    }
    expect(ofKind('PodDisruptionBudget').map((p) => p.metadata.name).sort()).toEqual(deployments.map((d) => d.metadata.name).sort());
    for (const policy of ofKind('NetworkPolicy')) {
      const selected = podLabels.filter((l) => matches(policy.spec.podSelector.matchLabels ?? {}, l));
      expect({ policy: policy.metadata.name, selected: selected.length > 0 }).toEqual({ policy: policy.metadata.name, selected: true });
    }
    const deny = named('NetworkPolicy', 'default-deny-ingress')!;
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
  });

  it('autoscales the export worker on queue depth with KEDA, from a metric the host exports', () => {
    const [scaled] = ofKind('ScaledObject');
    expect(named('Deployment', scaled.spec.scaleTargetRef.name)).toBeDefined();
    expect(named('Deployment', scaled.spec.scaleTargetRef.name)!.spec.replicas).toBeUndefined();
    const [trigger] = scaled.spec.triggers;
    expect(trigger.type).toBe('prometheus');
    const names = metricNamesIn(trigger.metadata.query);
    expect(names).toEqual(['connector_host_queue_waiting_jobs']);
    for (const name of names) expect(exportedSeriesNames()).toContain(name);
    expect(trigger.metadata.query).toContain('connector_type="sql"');
    expect(scaled.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
  });

  // kubectl is not a Debian package; where it is installed, its kustomize must build the directory
  const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
  (kubectl ? it : it.skip)('kubectl kustomize builds it, wiring the hashed ConfigMap name into every pod', () => {
    const run = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const built = parseAllDocuments(run.stdout).map((d) => d.toJS() as Json);
    const configMap = built.find((o) => o.kind === 'ConfigMap')!;
    expect(configMap.metadata.name).toMatch(/^connector-host-config-[a-z0-9]+$/);
    for (const deployment of built.filter((o) => o.kind === 'Deployment')) {
      expect(deployment.metadata.namespace).toBe(kustomization.namespace);
      expect(deployment.spec.template.spec.volumes.find((v: Json) => v.name === 'config').configMap.name).toBe(configMap.metadata.name);
    }
  });
});
