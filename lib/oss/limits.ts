// Byte units, and the multipart limits OSS enforces (OSS API reference: UploadPart, CompleteMultipartUpload). The service worker plans
// parts against these and the emulator rejects requests that break them, so both read them from here.

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

/** Every part but the last must be at least this large (EntityTooSmall at Complete otherwise). */
export const MIN_PART_SIZE = 100 * KiB;
export const MAX_PART_SIZE = 5 * GiB;
/** Part numbers run 1..MAX_PARTS. */
export const MAX_PARTS = 10_000;

/** Tags in one x-oss-tagging header. */
export const MAX_TAGS = 10;
