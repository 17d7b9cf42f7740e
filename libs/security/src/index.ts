export {
  generateSelfSignedCertificate,
  writeCertificateFiles,
  checkSubjectName,
  CERTIFICATE_KEY_BITS,
  CERTIFICATE_VALIDITY_YEARS,
  type SelfSignedOptions,
  type SelfSignedCertificate,
  type CertificateFiles,
} from './certificate';
export { hashToken, parseTokenHash, verifyTokenHash, TOKEN_HASH_ALGORITHMS, TOKEN_HASH_PATTERN, type TokenHashAlgorithm, type ParsedTokenHash } from './token-hash';
export { createConnectorAuthenticator, type BearerTokenCheck } from './connector-authenticator';
export { createJwtVerifier, type JwtVerifierOptions } from './jwt-verifier';
export type { TokenCheck } from './token-check';
export { readTlsMaterial, TlsSetupError, type TlsMaterial } from './tls-material';
export { TlsReloader, type SecureContextHolder, type TlsReloaderEvents, type TlsReloaderOptions } from './tls-reloader';
