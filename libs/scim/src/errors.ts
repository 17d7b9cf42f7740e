/**
 * SCIM errors (RFC 7644 §3.12). Every bad input ends as one of these, so the HTTP edge can answer
 * `error.status` with `error.toBody()`. Details name attributes and positions, never values: a value
 * may be a secret (password, export_password).
 */
import { SCIM_ERROR_URN } from './urns';

export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

// A type alias (not an interface) so the body is assignable to Record<string, unknown>.
export type ScimErrorBody = {
  schemas: [typeof SCIM_ERROR_URN];
  status: string;
  scimType?: ScimType;
  detail: string;
};

export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: ScimType,
  ) {
    super(detail);
    this.name = 'ScimError';
  }

  /** The response body; `status` is a string, as RFC 7644 §3.12 shows it. */
  toBody(): ScimErrorBody {
    const body: ScimErrorBody = { schemas: [SCIM_ERROR_URN], status: String(this.status), detail: this.detail };
    if (this.scimType) body.scimType = this.scimType;
    return body;
  }

  static invalidFilter(detail: string): ScimError {
    return new ScimError(400, detail, 'invalidFilter');
  }
  static tooMany(detail: string): ScimError {
    return new ScimError(400, detail, 'tooMany');
  }
  static uniqueness(detail: string): ScimError {
    return new ScimError(409, detail, 'uniqueness');
  }
  static mutability(detail: string): ScimError {
    return new ScimError(400, detail, 'mutability');
  }
  static invalidSyntax(detail: string): ScimError {
    return new ScimError(400, detail, 'invalidSyntax');
  }
  static invalidPath(detail: string): ScimError {
    return new ScimError(400, detail, 'invalidPath');
  }
  static noTarget(detail: string): ScimError {
    return new ScimError(400, detail, 'noTarget');
  }
  static invalidValue(detail: string): ScimError {
    return new ScimError(400, detail, 'invalidValue');
  }
  static invalidVersion(detail: string): ScimError {
    return new ScimError(400, detail, 'invalidVers');
  }
  static sensitive(detail: string): ScimError {
    return new ScimError(403, detail, 'sensitive');
  }
  /** 400 without a scimType, for bad requests none of the types describe. */
  static badRequest(detail: string): ScimError {
    return new ScimError(400, detail);
  }
  static unauthorized(detail: string): ScimError {
    return new ScimError(401, detail);
  }
  static forbidden(detail: string): ScimError {
    return new ScimError(403, detail);
  }
  static notFound(detail: string): ScimError {
    return new ScimError(404, detail);
  }
  static conflict(detail: string): ScimError {
    return new ScimError(409, detail);
  }
  static preconditionFailed(detail: string): ScimError {
    return new ScimError(412, detail);
  }
  static payloadTooLarge(detail: string): ScimError {
    return new ScimError(413, detail);
  }
  static internal(detail: string): ScimError {
    return new ScimError(500, detail);
  }
  static notImplemented(detail: string): ScimError {
    return new ScimError(501, detail);
  }
}

export function isScimError(error: unknown): error is ScimError {
  return error instanceof ScimError;
}
