import { ConnectorError, type ConnectorErrorReason } from '@connector-host/connector-sdk';
import { ResultCodeError } from 'ldapts';

/** LDAP result codes (RFC 4511 §4.1.9) → the SDK's classified reasons. */
const BY_CODE: Record<number, ConnectorErrorReason> = {
  3: 'timeout', // timeLimitExceeded
  7: 'permissionDenied', // authMethodNotSupported
  8: 'permissionDenied', // strongerAuthRequired
  12: 'unsupported', // unavailableCriticalExtension
  13: 'permissionDenied', // confidentialityRequired
  16: 'constraintViolation', // noSuchAttribute
  17: 'schemaViolation', // undefinedAttributeType
  18: 'schemaViolation', // inappropriateMatching
  19: 'constraintViolation', // constraintViolation
  20: 'constraintViolation', // attributeOrValueExists
  21: 'invalidValue', // invalidAttributeSyntax
  32: 'notFound', // noSuchObject
  34: 'invalidValue', // invalidDNSyntax
  48: 'permissionDenied', // inappropriateAuthentication
  49: 'permissionDenied', // invalidCredentials
  50: 'permissionDenied', // insufficientAccessRights
  51: 'busy', // busy
  52: 'unavailable', // unavailable
  53: 'constraintViolation', // unwillingToPerform (policy: password quality, read-only attribute)
  54: 'unavailable', // loopDetect
  64: 'schemaViolation', // namingViolation
  65: 'schemaViolation', // objectClassViolation
  66: 'constraintViolation', // notAllowedOnNonLeaf
  67: 'schemaViolation', // notAllowedOnRDN
  68: 'alreadyExists', // entryAlreadyExists
  69: 'schemaViolation', // objectClassModsProhibited
  71: 'unavailable', // affectsMultipleDSAs
  80: 'unavailable', // other
};

export const RESULT = { noSuchAttribute: 16, typeOrValueExists: 20, noSuchObject: 32, objectClassViolation: 65, alreadyExists: 68 } as const;

export function resultCodeOf(error: unknown): number | undefined {
  return error instanceof ResultCodeError ? error.code : undefined;
}

/**
 * Any error of an LDAP operation as a ConnectorError: result codes by the table above, transport
 * failures (refused, reset, closed socket, TLS) as `unavailable`, timeouts as `timeout`. `what`
 * says which operation on which entry; no value is ever part of the message.
 */
export function classifyLdapError(error: unknown, what: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ResultCodeError) {
    const reason = BY_CODE[error.code] ?? 'unavailable';
    return new ConnectorError(reason, `${what}: ${message.replace(/\s+Code: 0x[0-9a-f]+$/i, '')} (LDAP result ${error.code})`, { cause: error });
  }
  if (/timed? ?out|timeout/i.test(message)) return new ConnectorError('timeout', `${what}: ${message}`, { cause: error });
  return new ConnectorError('unavailable', `${what}: ${message}`, { cause: error });
}
