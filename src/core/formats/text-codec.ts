/**
 * Bytes ↔ text for hex files without DOM typings: the platform's `TextDecoder` /
 * `TextEncoder` where the runtime has them (browsers, workers, Node), a plain loop otherwise.
 */

interface Decoder {
  decode(bytes: Uint8Array): string;
}
interface Encoder {
  encode(text: string): Uint8Array;
}

const platform = globalThis as {
  TextDecoder?: new (label?: string) => Decoder;
  TextEncoder?: new () => Encoder;
};

/** Decodes UTF-8 (hex files are ASCII) text; a leading byte order mark is dropped. */
export function decodeText(bytes: Uint8Array): string {
  if (platform.TextDecoder !== undefined) return new platform.TextDecoder('utf-8').decode(bytes);
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let out = '';
  for (let i = start; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, Math.min(i + 8192, bytes.length)));
  }
  return out;
}

/** Encodes text as UTF-8 (ASCII for everything this module writes). */
export function encodeText(text: string): Uint8Array {
  if (platform.TextEncoder !== undefined) return new platform.TextEncoder().encode(text);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    out[i] = code < 0x80 ? code : 0x3f; // '?' for anything outside ASCII
  }
  return out;
}
