import { Ber, BerWriter, Control, SearchEntry, type BerReader, type Entry } from 'ldapts';

/** RFC 4527 post-read control: the response to an add carries the entry as the server stored it. */
export const POST_READ_OID = '1.3.6.1.1.13.2';

/** SearchResultEntry's tag, [APPLICATION 4] constructed: the control's response value. */
const SEARCH_RESULT_ENTRY = 0x64;

/**
 * Asks for `attributes` of the entry as it is after the operation (RFC 4527): the add's response
 * then carries what a read-back search would return (entryUUID, nsUniqueId, values the server
 * normalised), without a second round trip. ldapts hands an unknown response control to the
 * request control of the same type, so one instance per request receives its own `entry`.
 * Not critical: a server that ignores it answers the add as usual and `entry` stays undefined.
 */
export class PostReadControl extends Control {
  /** The entry after the operation; undefined when the server sent no post-read value. */
  entry?: Entry;

  constructor(
    private readonly selection: string[],
    private readonly bufferAttributes: string[],
  ) {
    super(POST_READ_OID, { critical: false });
  }

  /** controlValue: AttributeSelection ::= SEQUENCE OF LDAPString. */
  protected override writeControl(writer: BerWriter): void {
    const value = new BerWriter();
    value.startSequence();
    for (const attribute of this.selection) value.writeString(attribute);
    value.endSequence();
    writer.writeBuffer(value.buffer, Ber.OctetString);
  }

  protected override parseControl(reader: BerReader): void {
    if (reader.readSequence(SEARCH_RESULT_ENTRY) === null) return;
    const entry = new SearchEntry({ messageId: 0 });
    entry.parseMessage(reader);
    this.entry = entry.toObject(this.selection, this.bufferAttributes);
  }
}

/** Whether the root DSE lists the post-read control (keys lower-cased, as the connector reads it). */
export function supportsPostRead(rootDse: Record<string, string[] | undefined>): boolean {
  return (rootDse['supportedcontrol'] ?? []).includes(POST_READ_OID);
}
