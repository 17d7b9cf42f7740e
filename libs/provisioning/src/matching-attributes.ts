import { valuesOf } from '@connector-host/connector-sdk';
import { ScimError } from '@connector-host/scim';
import type { MappedTarget, ObjectMapper } from './object-mapper';

/**
 * A create must carry a value for each of the object type's matching attributes
 * (`queryAttributes`): Entra finds objects only through them, so an object created without one is
 * an orphan it never finds again, and its next cycle creates a duplicate. Checked once, at the
 * HTTP edge, before anything is queued (400 invalidValue naming the attribute; nothing written).
 *
 * Not asked of the client: an attribute the target computes (readOnly: an identity column,
 * entryUUID), one a host rule fills (`rules`), and an LDAP attribute the requested DN names in
 * its RDN (`-dn-: uid=ada,…` gives uid, as the directory itself requires).
 */
export function assertMatchingAttributes(mapper: ObjectMapper, target: MappedTarget): void {
  const ruled = new Set((mapper.config.rules ?? []).map((rule) => rule.attribute.toLowerCase()));
  const rdnType = target.dn ? /^\s*([^=,+\s]+)\s*=/.exec(target.dn)?.[1]?.toLowerCase() : undefined;
  const missing = mapper.config.queryAttributes
    .map((name) => mapper.selected.find((a) => a.name.toLowerCase() === name.toLowerCase()))
    .filter((attribute) => attribute !== undefined && !attribute.readOnly)
    .filter((attribute) => !ruled.has(attribute!.name.toLowerCase()) && attribute!.name.toLowerCase() !== rdnType)
    .filter((attribute) => valuesOf(target.attributes, attribute!.name).length === 0)
    .map((attribute) => {
      const paths = mapper.mappings().filter((m) => m.attribute === attribute).map((m) => m.path.text);
      return [...paths, `${mapper.extensionUrn}:${attribute!.name}`].join(' or ');
    });
  if (missing.length) {
    throw ScimError.invalidValue(
      `a ${mapper.config.name} needs a value for its matching attribute(s) ${missing.join('; ')}: Entra finds objects only through them; nothing was written`,
    );
  }
}
