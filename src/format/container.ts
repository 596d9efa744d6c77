/**
 * The protostream container of a recording: `file := part*`, `part := header gzip padding`
 * (spec §1.2). Constants and the part header layout live here; the reader and writer use them.
 */

export const ProtoStreamVersion = { V1: 1, V2: 2 } as const;
export type ProtoStreamVersion = (typeof ProtoStreamVersion)[keyof typeof ProtoStreamVersion];

/** V1: version, part size, padding size (u64 BE each). */
export const V1_HEADER_BYTES = 24;
/** V2 adds a flags byte and 7 reserved bytes. */
export const V2_HEADER_BYTES = 32;
/** V2 flags bit 0: the part is encrypted (recording encryption, RFD 127). */
export const FLAG_ENCRYPTED = 1;
/** Each record is `u32 BE length + OneOf`. */
export const RECORD_HEADER_BYTES = 4;
/** Teleport's reader holds a record in a fixed 64 KiB buffer: a larger record cannot be read. */
export const MAX_RECORD_BYTES = 64 * 1024;
/** S3 and GCS refuse multipart parts below 5 MiB: Teleport pads non-last parts to this size. */
export const MIN_UPLOAD_PART_BYTES = 5 * 1024 * 1024;

export interface PartHeader {
  version: ProtoStreamVersion;
  /** Bytes of (gzip) data after the header. */
  partSize: number;
  /** Zero bytes after the data. */
  paddingSize: number;
  /** V2 flags byte; 0 for V1. */
  flags: number;
  /** Length of this header: 24 (V1) or 32 (V2). */
  headerBytes: number;
}

export function headerBytesOf(version: number): number {
  return version === ProtoStreamVersion.V2 ? V2_HEADER_BYTES : V1_HEADER_BYTES;
}

/** Reads a u64 BE as a number; values past 2^53 come back as Infinity so size checks reject them. */
export function readUint64(view: DataView, offset: number): number {
  const high = view.getUint32(offset);
  const low = view.getUint32(offset + 4);
  return high >= 0x200000 ? Infinity : high * 0x1_0000_0000 + low;
}

export function encodePartHeader(partSize: number, paddingSize: number): Uint8Array {
  const bytes = new Uint8Array(V1_HEADER_BYTES);
  const view = new DataView(bytes.buffer);
  writeUint64(view, 0, ProtoStreamVersion.V1);
  writeUint64(view, 8, partSize);
  writeUint64(view, 16, paddingSize);
  return bytes;
}

function writeUint64(view: DataView, offset: number, value: number): void {
  view.setUint32(offset, Math.floor(value / 0x1_0000_0000));
  view.setUint32(offset + 4, value >>> 0);
}
