/**
 * Decodes the chunks of a Xet xorb as @huggingface/hub writes them, for the Hub stand-in: each chunk is an
 * 8-byte header (version, stored length u24, scheme, raw length u24) and its bytes, stored raw (0), as an
 * LZ4 frame (1), or as an LZ4 frame of the bytes grouped by position mod 4 (2, "byte grouping").
 */
export function xorbChunks(xorb: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < xorb.length; ) {
    const stored = xorb[offset + 1]! | (xorb[offset + 2]! << 8) | (xorb[offset + 3]! << 16);
    const scheme = xorb[offset + 4]!;
    const raw = xorb[offset + 5]! | (xorb[offset + 6]! << 8) | (xorb[offset + 7]! << 16);
    const data = xorb.subarray(offset + 8, offset + 8 + stored);
    if (scheme === 0) chunks.push(Buffer.from(data));
    else if (scheme === 1) chunks.push(lz4Frame(data, raw));
    else if (scheme === 2) chunks.push(regroup(lz4Frame(data, raw)));
    else throw new Error(`unknown Xet chunk scheme ${scheme}`);
    offset += 8 + stored;
  }
  return chunks;
}

/** An LZ4 frame without checksums (what lz4js writes): magic, FLG, BD, HC, then sized blocks up to a zero size. */
function lz4Frame(frame: Buffer, rawLength: number): Buffer {
  if (frame.readUInt32LE(0) !== 0x184d2204) throw new Error('not an LZ4 frame');
  const out = Buffer.alloc(rawLength);
  let at = 7;
  let written = 0;
  for (;;) {
    const size = frame.readUInt32LE(at);
    at += 4;
    if (size === 0) break;
    const length = size & 0x7fffffff;
    const block = frame.subarray(at, at + length);
    written = size & 0x80000000 ? written + block.copy(out, written) : lz4Block(block, out, written);
    at += length;
  }
  if (written !== rawLength) throw new Error(`LZ4 frame gave ${written} bytes, expected ${rawLength}`);
  return out;
}

function lz4Block(src: Buffer, out: Buffer, start: number): number {
  let s = 0;
  let d = start;
  while (s < src.length) {
    const token = src[s++]!;
    let literals = token >> 4;
    if (literals === 15) for (let byte = 255; byte === 255; literals += byte) byte = src[s++]!;
    d += src.copy(out, d, s, s + literals);
    s += literals;
    if (s >= src.length) break;
    const distance = src[s]! | (src[s + 1]! << 8);
    s += 2;
    let match = token & 15;
    if (match === 15) for (let byte = 255; byte === 255; match += byte) byte = src[s++]!;
    match += 4;
    for (let i = 0; i < match; i++, d++) out[d] = out[d - distance]!;
  }
  return d;
}

/** Undoes byte grouping: group k holds the bytes at positions k, k+4, k+8, ... */
function regroup(grouped: Buffer): Buffer {
  const n = grouped.length;
  const split = Math.floor(n / 4);
  const rem = n % 4;
  const starts = [0, split + (rem >= 1 ? 1 : 0)];
  starts.push(starts[1]! + split + (rem >= 2 ? 1 : 0));
  starts.push(starts[2]! + split + (rem === 3 ? 1 : 0));
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = grouped[starts[i % 4]! + Math.floor(i / 4)]!;
  return out;
}
