// CRC-64/XZ, which OSS calls CRC64-ECMA and reports in x-oss-hash-crc64ecma (OSS documentation: "Check data integrity with CRC-64").
// hash-wasm does the byte crunching (its default CRC-64 polynomial is exactly this one); only the
// combine step, which hash-wasm lacks, is written here.

import { createCRC64 } from 'hash-wasm';

export interface Crc64Hasher {
  update(bytes: Uint8Array): Crc64Hasher;
  /** Final CRC as an unsigned 64-bit value. Call once; the hasher cannot be reused afterwards. */
  digest(): bigint;
}

export async function createCrc64(): Promise<Crc64Hasher> {
  const hasher = await createCRC64();
  hasher.init();
  const wrapper: Crc64Hasher = {
    update(bytes) {
      hasher.update(bytes);
      return wrapper;
    },
    digest: () => BigInt(`0x${hasher.digest('hex')}`),
  };
  return wrapper;
}

export async function crc64(bytes: Uint8Array): Promise<bigint> {
  return (await createCrc64()).update(bytes).digest();
}

// --- combine ---------------------------------------------------------------------------------------
// crc(A‖B) = crc(A)·x^(8·|B|) ⊕ crc(B) in GF(2)[x] mod P (the init/xorout conditioning cancels out).
// This is zlib's GF(2) method in its current form (zlib ≥ 1.2.12 crc32_combine): instead of squaring
// 64×64 operator matrices on every call, powers x^(2^k) mod P are tabulated once and multiplied in,
// so a combine costs popcount(len2) polynomial products. Values are held as two uint32 halves because
// BigInt arithmetic in the 64-step inner loop would be ~50× slower.

const POLY_HI = 0xc96c5795; // reflected 0x42F0E1EBA9EA3693
const POLY_LO = 0xd7870f42;

type U64 = [hi: number, lo: number];

/** a·b mod P in the reflected bit order CRC registers use (bit 63 holds x^0). */
function multModP(a: U64, b: U64): U64 {
  let [aHi, aLo] = a;
  let [bHi, bLo] = b;
  let pHi = 0;
  let pLo = 0;
  // Walk a's coefficients from x^0 (bit 63) upwards while b becomes b·x mod P each step.
  for (let bit = 63; bit >= 0; bit--) {
    const set = bit >= 32 ? (aHi >>> (bit - 32)) & 1 : (aLo >>> bit) & 1;
    if (set) {
      pHi ^= bHi;
      pLo ^= bLo;
      if (bit >= 32) aHi &= ~(1 << (bit - 32));
      else aLo &= ~(1 << bit);
      if (aHi === 0 && aLo === 0) break;
    }
    const carry = bLo & 1;
    bLo = ((bLo >>> 1) | (bHi << 31)) >>> 0;
    bHi >>>= 1;
    if (carry) {
      bHi = (bHi ^ POLY_HI) >>> 0;
      bLo = (bLo ^ POLY_LO) >>> 0;
    }
  }
  return [pHi >>> 0, pLo >>> 0];
}

// X2N[k] = x^(2^k) mod P. Lengths are in bytes (x^(8·len) = x^(len·2^3)), and a 64-bit byte count
// needs exponents up to 2^(3+63).
const X2N: U64[] = [[0x40000000, 0]]; // x^1
for (let k = 1; k < 67; k++) X2N.push(multModP(X2N[k - 1]!, X2N[k - 1]!));

const toU64 = (v: bigint): U64 => [Number(v >> 32n), Number(v & 0xffffffffn)];
const fromU64 = ([hi, lo]: U64): bigint => (BigInt(hi) << 32n) | BigInt(lo);

function checkU64(name: string, v: bigint): void {
  if (v < 0n || v > 0xffffffffffffffffn)
    throw new RangeError(`${name} must be an unsigned 64-bit value, got ${v}`);
}

/** CRC64 of A‖B from crc64(A), crc64(B) and |B| in bytes. Folding from 0 over the parts gives the whole. */
export function crc64Combine(crc1: bigint, crc2: bigint, len2: number | bigint): bigint {
  checkU64('crc1', crc1);
  checkU64('crc2', crc2);
  if (typeof len2 === 'number' && !Number.isSafeInteger(len2))
    throw new RangeError(`len2 must be an integer, got ${len2}`);
  let n = BigInt(len2);
  checkU64('len2', n);
  let shift: U64 = [0x80000000, 0]; // x^0
  for (let k = 3; n > 0n; k++, n >>= 1n) {
    if (n & 1n) shift = multModP(X2N[k]!, shift);
  }
  return fromU64(multModP(shift, toU64(crc1))) ^ crc2;
}

// --- header form -----------------------------------------------------------------------------------

/** x-oss-hash-crc64ecma value: unsigned decimal, `0` for empty content. */
export function crc64ToHeader(crc: bigint): string {
  checkU64('crc', crc);
  return crc.toString(10);
}

export function parseCrc64Header(value: string): bigint {
  const trimmed = value.trim();
  if (!/^\d{1,20}$/.test(trimmed)) throw new Error(`Invalid x-oss-hash-crc64ecma value "${value}"`);
  const crc = BigInt(trimmed);
  if (crc > 0xffffffffffffffffn) throw new Error(`x-oss-hash-crc64ecma value "${value}" exceeds 64 bits`);
  return crc;
}
