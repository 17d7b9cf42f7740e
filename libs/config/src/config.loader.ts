/**
 * Loads the config file: YAML with `${NAME}` interpolation, validated against the published
 * schema (and each connector type's settings schemas when given), then shaped into HostConfig.
 * The only place that reads `process.env`.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError, type ConfigIssue } from './config.error';
import type { Environment } from './config.interpolation';
import { displayPointer } from './config.key-path';
import { REDACTED } from './config.redaction';
import type { ConnectorSettingsSchemas } from './config.schema';
import { checkAttributeReferences, shapeHostConfig, type ConfigFile, type ShapeOverrides } from './config.shape';
import { readConfigSource, type ConfigSource } from './config.source';
import type { HostConfig } from './config.types';
import { checkConnectorAuth } from './config.auth';
import { validateConnectorSettings, validateHostSchema, type PointedIssue } from './config.validation';

export interface ParseConfigOptions {
  /** Directory relative paths resolve against (HostConfig.baseDir). Default: the working directory. */
  baseDir?: string;
  /** Variables for `${NAME}`, REDIS_URL and HOST_PORT. Default: process.env. */
  env?: Environment;
  /** Name used in messages, e.g. `config/demo.yaml`. Default: `config`. */
  sourceName?: string;
  /** Per connector type, the schemas of `connection` and `target`; when given, unknown types are errors. */
  connectorSettingsSchemas?: ConnectorSettingsSchemas;
}

export type LoadConfigOptions = Pick<ParseConfigOptions, 'env' | 'connectorSettingsSchemas'>;

/** Reads and validates the config file; relative paths in it resolve against its folder. */
export function loadConfig(filePath: string, options: LoadConfigOptions = {}): HostConfig {
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError(filePath, [{ path: '', message: `cannot read the config file (${reason})` }]);
  }
  return parseConfig(text, { ...options, sourceName: filePath, baseDir: path.dirname(path.resolve(filePath)) });
}

/** Validates YAML text and shapes it; throws ConfigError listing every problem found. */
export function parseConfig(yamlText: string, options: ParseConfigOptions = {}): HostConfig {
  const env = options.env ?? process.env;
  const sourceName = options.sourceName ?? 'config';
  const baseDir = path.resolve(options.baseDir ?? process.cwd());

  const source = readConfigSource(yamlText, env);
  const fail = (issues: ConfigIssue[]): never => {
    throw new ConfigError(sourceName, finishIssues(issues, source));
  };
  if (source.syntaxError) fail(source.issues);
  if (source.value === null || source.value === undefined) {
    fail([...source.issues, { path: '', line: 1, message: 'the file is empty; it needs at least a connectors: section' }]);
  }

  const pointed = validateHostSchema(source.value, source);
  const file = source.value as ConfigFile;
  if (pointed.length === 0 && source.issues.length === 0) {
    if (options.connectorSettingsSchemas) {
      pointed.push(...validateConnectorSettings(file.connectors, options.connectorSettingsSchemas, source));
    }
    pointed.push(...checkAttributeReferences(file));
    pointed.push(...checkConnectorAuth(file.connectors));
  }
  const { overrides, issues: overrideIssues } = readOverrides(env, source);
  const issues = [
    ...source.issues,
    ...pointed.filter((issue) => !source.unreliable.has(issue.pointer)).map((issue) => locate(issue, source)),
    ...overrideIssues,
  ];
  if (issues.length > 0) fail(issues);
  return shapeHostConfig(file, baseDir, overrides);
}

/** HOST_PORT overrides server.port, METRICS_PORT server.metricsPort; REDIS_URL fills redis.url when the file has none. */
function readOverrides(env: Environment, source: ConfigSource): { overrides: ShapeOverrides; issues: ConfigIssue[] } {
  const overrides: ShapeOverrides = {};
  const issues: ConfigIssue[] = [];
  const port = env['HOST_PORT'];
  if (port !== undefined && port !== '') {
    if (/^[0-9]+$/.test(port) && Number(port) <= 65535) {
      overrides.port = Number(port);
    } else {
      issues.push({ path: 'server.port', message: 'environment variable HOST_PORT must be a port number (0-65535)' });
    }
  }
  const metricsPort = env['METRICS_PORT'];
  if (metricsPort !== undefined && metricsPort !== '') {
    if (/^[0-9]+$/.test(metricsPort) && Number(metricsPort) <= 65535) {
      overrides.metricsPort = Number(metricsPort);
    } else {
      issues.push({ path: 'server.metricsPort', message: 'environment variable METRICS_PORT must be a port number (0-65535)' });
    }
  }
  const redisUrl = env['REDIS_URL'];
  if (redisUrl !== undefined && redisUrl !== '') {
    if (/^rediss?:\/\/.+/.test(redisUrl)) {
      overrides.redisUrl = redisUrl;
    } else {
      source.secrets.add(redisUrl);
      issues.push({ path: 'redis.url', message: 'environment variable REDIS_URL must be a redis:// or rediss:// URL' });
    }
  }
  return { overrides, issues };
}

function locate(issue: PointedIssue, source: ConfigSource): ConfigIssue {
  const line = issue.line ?? source.lineOf(issue.pointer);
  return { path: displayPointer(issue.pointer), ...(line === undefined ? {} : { line }), message: issue.message };
}

/** Sorted by line, without repeats, and with every known secret value blanked out. */
function finishIssues(issues: ConfigIssue[], source: ConfigSource): ConfigIssue[] {
  const secrets = [...source.secrets].filter((secret) => secret.length >= 4).sort((a, b) => b.length - a.length);
  const scrub = (text: string): string => secrets.reduce((out, secret) => out.split(secret).join(REDACTED), text);
  const seen = new Set<string>();
  return issues
    .map((issue) => ({ ...issue, path: scrub(issue.path), message: scrub(issue.message) }))
    .filter((issue) => {
      const key = `${issue.line}\u0000${issue.path}\u0000${issue.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

