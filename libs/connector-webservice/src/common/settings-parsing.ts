import { ConnectorError } from '@connector-host/connector-sdk';
import type { AttributeBindingSpec } from './attribute-values';
import type { AttributeSetting, SinceSettings } from './operations';
import { parseValuePath, ValuePathError, type ValuePath } from './value-path';

/** Parses a path setting, naming the key when it is malformed. */
export function parsePathSetting(type: string, where: string, text: unknown): ValuePath | undefined {
  if (text === undefined) return undefined;
  try {
    return parseValuePath(String(text));
  } catch (error) {
    if (error instanceof ValuePathError) throw new ConnectorError('invalidValue', `${type} connector settings: ${where}: ${error.message}`);
    throw error;
  }
}

/** `target.attributes` (name → path, or name → { path, type, … }) as bindings. */
export function parseAttributeSettings(type: string, where: string, raw: unknown): AttributeBindingSpec[] | undefined {
  if (raw === undefined) return undefined;
  if (raw === null || typeof raw !== 'object') throw new ConnectorError('invalidValue', `${type} connector settings: ${where} must be a mapping`);
  return Object.entries(raw as Record<string, string | AttributeSetting>).map(([name, setting]) => {
    const spec = typeof setting === 'string' ? { path: setting } : setting;
    return {
      name,
      path: parsePathSetting(type, `${where}.${name}`, spec.path)!,
      ...(spec.type ? { type: spec.type } : {}),
      ...(spec.multiValued !== undefined ? { multiValued: spec.multiValued } : {}),
      ...(spec.readOnly !== undefined ? { readOnly: spec.readOnly } : {}),
      ...(spec.required !== undefined ? { required: spec.required } : {}),
      ...(spec.caseExact !== undefined ? { caseExact: spec.caseExact } : {}),
    };
  });
}

export function parseSince(raw: Record<string, unknown> | undefined): SinceSettings | undefined {
  if (!raw) return undefined;
  return {
    ...(typeof raw.param === 'string' ? { param: raw.param } : {}),
    format: raw.format === 'epochMs' || raw.format === 'epochSeconds' ? raw.format : 'iso',
    overlapSeconds: typeof raw.overlapSeconds === 'number' ? raw.overlapSeconds : 60,
  };
}
