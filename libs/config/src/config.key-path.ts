/**
 * Key paths inside the config file. Internally a JSON Pointer (`/connectors/demo/secretToken`),
 * the form ajv reports; shown to people as `connectors.demo.secretToken`.
 */
export type KeyPath = readonly (string | number)[];

export function toPointer(path: KeyPath): string {
  return path.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export function fromPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const PLAIN_SEGMENT = /^[A-Za-z0-9_$-]+$/;

/** `connectors.demo.objectTypes.User.scim["name.givenName"]`, `attributes[2]`. */
export function displayPath(path: KeyPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number' || /^[0-9]+$/.test(segment)) {
      out += `[${segment}]`;
    } else if (PLAIN_SEGMENT.test(segment)) {
      out += out === '' ? segment : `.${segment}`;
    } else {
      out += `[${JSON.stringify(segment)}]`;
    }
  }
  return out;
}

export function displayPointer(pointer: string): string {
  return displayPath(fromPointer(pointer));
}
