/**
 * Chaos, bounded for `npm test` (bench/chaos-soak.mjs runs it longer): several replicas of scim-api
 * and export-worker, an import-worker and a cache, each a real process started with the built CLI,
 * against a real redis-server with AOF, PostgreSQL and slapd (each behind a TCP relay). Entra-shaped clients
 * provision the same objects concurrently while at least 50 SIGKILLs land at random moments
 * (export-workers mid-export, scim-api with requests in flight, the cache), Redis restarts once and
 * both targets go away for a while. Afterwards the targets must agree with the acknowledged history:
 * every 2xx is in it, no object is there twice, and each unacknowledged request happened once or
 * not at all (invariant 1 of DESIGN.md, with per-object order, invariant 2).
 */
import { ChaosRun } from './support/chaos';

const seconds = Number(process.env.CHAOS_SECONDS ?? 75);
const minKills = Number(process.env.CHAOS_MIN_KILLS ?? 50);

describe('chaos: kills, a Redis restart and a target outage under Entra-shaped load', () => {
  const run = new ChaosRun({ seconds, minKills, objects: 30, clients: 6, scimReplicas: 2, exportReplicas: 2, verbose: process.env.CHAOS_VERBOSE === '1' });

  afterAll(async () => {
    await run.stop();
  });

  it(
    'keeps every acknowledged write, never adds an object twice, and applies the rest once or not at all',
    async () => {
      await run.start();
      await run.run();
      await run.settle();
      const report = await run.verify();
      process.stderr.write(`chaos report: ${JSON.stringify({ ...report, violations: report.violations.slice(0, 20) })}\n`);
      if (report.violations.length) process.stderr.write(run.logs() + '\n');
      // the run really was chaotic and really carried load
      expect(report.totalKills).toBeGreaterThanOrEqual(minKills);
      expect(report.kills['export-worker']).toBeGreaterThan(0);
      expect(report.kills['scim-api']).toBeGreaterThan(0);
      expect(report.kills['cache']).toBeGreaterThan(0);
      expect(report.redisRestarts).toBe(1);
      expect(report.targetOutages).toBe(1);
      expect(report.acknowledged).toBeGreaterThan(50);
      expect(report.byConnector.chaos.objects).toBeGreaterThan(0);
      expect(report.byConnector.chaosldap.objects).toBeGreaterThan(0);
      expect(report.violations).toEqual([]);
    },
    (seconds + 360) * 1000,
  );
});
