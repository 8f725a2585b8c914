/**
 * OSS bucket naming rules: 3–63 characters of lowercase letters, digits and hyphens, starting and
 * ending with a letter or digit.
 */
export const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
