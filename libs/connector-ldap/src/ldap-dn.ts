/**
 * Distinguished names (RFC 4514): parsed into RDNs of (type, value) pairs with every escape
 * undone, and written back with every special character escaped. DNs from Entra (`-dn-`), from
 * templates and from the server all go through here, so a value can never break out of its RDN.
 */
import { ConnectorError } from '@connector-host/connector-sdk';

export interface Ava {
  type: string;
  value: string;
}
/** One RDN: usually one AVA, several for multi-valued RDNs (`cn=a+uid=b`). */
export type Rdn = Ava[];
export type Dn = Rdn[];

function invalid(text: string, why: string): ConnectorError {
  return new ConnectorError('invalidValue', `"${text}" is not a valid DN (RFC 4514): ${why}`);
}

/** Parses a DN string; throws invalidValue naming the problem. The empty string is the root DN. */
export function parseDn(text: string): Dn {
  const dn: Dn = [];
  let i = 0;
  const n = text.length;
  const skipSpaces = (): void => {
    while (i < n && text[i] === ' ') i++;
  };
  if (text.trim() === '') return dn;
  for (;;) {
    const rdn: Rdn = [];
    for (;;) {
      skipSpaces();
      const typeStart = i;
      while (i < n && text[i] !== '=' && text[i] !== ',' && text[i] !== '+') i++;
      const type = text.slice(typeStart, i).trim();
      if (text[i] !== '=' || type === '') throw invalid(text, `expected "type=value" at position ${typeStart + 1}`);
      if (!/^([A-Za-z][A-Za-z0-9-]*|[0-9]+(\.[0-9]+)*)$/.test(type)) throw invalid(text, `"${type}" is not an attribute type`);
      i++; // '='
      skipSpaces();
      let value: string;
      if (text[i] === '#') {
        // hex-encoded BER value: kept as written
        const start = i;
        i++;
        while (i < n && /[0-9A-Fa-f]/.test(text[i]!)) i++;
        value = text.slice(start, i);
      } else {
        const bytes: number[] = [];
        let lastNonSpace = 0;
        while (i < n && text[i] !== ',' && text[i] !== '+' && text[i] !== ';') {
          const c = text[i]!;
          if (c === '\\') {
            const next = text.slice(i + 1, i + 3);
            if (/^[0-9A-Fa-f]{2}$/.test(next)) {
              bytes.push(parseInt(next, 16));
              i += 3;
            } else if (i + 1 < n && /[ "#+,;<=>\\]/.test(text[i + 1]!)) {
              bytes.push(text.charCodeAt(i + 1));
              i += 2;
            } else {
              throw invalid(text, `bad escape at position ${i + 1}`);
            }
            lastNonSpace = bytes.length;
            continue;
          }
          if (c === '"' || c === '<' || c === '>' || c === '=') throw invalid(text, `unescaped "${c}" at position ${i + 1}`);
          // a whole code point: the two halves of a surrogate pair (an emoji) are one UTF-8 sequence
          const char = String.fromCodePoint(text.codePointAt(i)!);
          for (const b of Buffer.from(char, 'utf8')) bytes.push(b);
          if (c !== ' ') lastNonSpace = bytes.length;
          i += char.length;
        }
        // unescaped trailing spaces are not part of the value
        value = Buffer.from(bytes.slice(0, lastNonSpace)).toString('utf8');
      }
      rdn.push({ type, value });
      if (text[i] === '+') {
        i++;
        continue;
      }
      break;
    }
    dn.push(rdn);
    if (i >= n) break;
    if (text[i] === ',' || text[i] === ';') {
      i++;
      if (text.slice(i).trim() === '') throw invalid(text, 'ends with a separator');
      continue;
    }
    throw invalid(text, `unexpected "${text[i]}" at position ${i + 1}`);
  }
  return dn;
}

/**
 * Escapes one value for a DN. `hex` writes `\2C`-style escapes for `,` `+` `;` and `\`: some
 * clients split a DN at the first comma not preceded by a backslash, which `\\,` would fool.
 */
export function escapeRdnValue(value: string, hex = false): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    const code = c.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) out += `\\${code.toString(16).padStart(2, '0').toUpperCase()}`;
    else if (c === '\\' || c === ',' || c === '+' || c === ';' || c === '"' || c === '<' || c === '>' || c === '=') {
      out += hex ? `\\${code.toString(16).toUpperCase()}` : `\\${c}`;
    } else out += c;
  }
  if (out.startsWith(' ') || out.startsWith('#')) out = `\\${out}`;
  if (out.endsWith(' ') && !out.endsWith('\\ ')) out = `${out.slice(0, -1)}\\ `;
  return out;
}

export function formatDn(dn: Dn, options: { hex?: boolean } = {}): string {
  return dn
    .map((rdn) => rdn.map((ava) => `${ava.type}=${ava.value.startsWith('#') && /^#[0-9A-Fa-f]+$/.test(ava.value) ? ava.value : escapeRdnValue(ava.value, options.hex)}`).join('+'))
    .join(',');
}

/** The DN rewritten in a canonical spelling (escapes redone); throws invalidValue when it is not a DN. */
export function canonicalDn(text: string, options: { hex?: boolean } = {}): string {
  return formatDn(parseDn(text), options);
}

/**
 * A comparison key: types and values lower-cased (the naming attributes of user entries match
 * case-insensitively in practice), spaces around separators gone, escapes normalised.
 */
export function dnKey(text: string): string {
  try {
    const dn = parseDn(text).map((rdn) =>
      rdn.map((a) => ({ type: a.type.toLowerCase(), value: a.value.toLowerCase() })).sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0)),
    );
    // hex escapes: no literal separator inside a value, so suffix tests cannot be fooled
    return formatDn(dn, { hex: true });
  } catch {
    return text.toLowerCase();
  }
}

export function sameDn(a: string, b: string): boolean {
  return dnKey(a) === dnKey(b);
}

/** True when `dn` is `base` or below it. */
export function isUnder(dn: string, base: string): boolean {
  const d = dnKey(dn);
  const b = dnKey(base);
  return b === '' || d === b || d.endsWith(`,${b}`);
}

export function parentOf(dn: Dn): Dn {
  return dn.slice(1);
}
