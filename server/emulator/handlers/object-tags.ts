// Object tags (OSS API reference: PutObjectTagging, "Object tagging"): one set of rules for the
// x-oss-tagging header of PutObject / InitiateMultipartUpload and for the <Tagging> body of
// PutObjectTagging. Stored as the header's form, `k1=v1&k2=v2` URL-encoded, whichever way they came.

import { MAX_TAGS } from '../../../lib/oss/limits.ts';
import { percentDecode, uriEncode } from '../../../lib/oss/uri-encode.ts';
import { buildXml, parseXml, type XmlElement, type XmlNode } from '../../../lib/oss/xml.ts';
import { ossError } from '../errors.ts';

export type Tag = [key: string, value: string];

const MAX_KEY_CHARS = 128;
const MAX_VALUE_CHARS = 256;

/**
 * Throws InvalidArgument naming `argument` unless the tags obey OSS's limits: count, lengths, unique keys.
 * The documented character set (letters, digits, space, + - = . _ : /) is not enforced: whether OSS
 * enforces it is unclear (ali-oss's own check lets `,;<` through), and refusing would fail uploads
 * that OSS may accept.
 */
export function checkTags(tags: Tag[], argument: string, value: string): Tag[] {
  const invalid = (why: string) =>
    ossError.invalidArgument(`The tag provided was not a valid tag: ${why}`, argument, value);
  if (tags.length > MAX_TAGS) {
    throw ossError.invalidArgument(
      `Object tags cannot be greater than ${MAX_TAGS}`,
      argument,
      value,
      '0010-00000218',
    );
  }
  const seen = new Set<string>();
  for (const [key, tagValue] of tags) {
    if (key === '' || [...key].length > MAX_KEY_CHARS)
      throw invalid(`keys are 1 to ${MAX_KEY_CHARS} characters.`);
    if ([...tagValue].length > MAX_VALUE_CHARS)
      throw invalid(`values are at most ${MAX_VALUE_CHARS} characters.`);
    if (seen.has(key)) throw invalid(`the key ${JSON.stringify(key)} appears twice.`);
    seen.add(key);
  }
  return tags;
}

/** `k1=v1&k2=v2` (URL-encoded; a member without `=` is a key with an empty value). */
export function parseTaggingHeader(tagging: string, argument = 'x-oss-tagging'): Tag[] {
  if (tagging === '') return [];
  const tags = tagging.split('&').map((pair): Tag => {
    const [name = '', value = '', extra] = pair.split('=');
    try {
      if (extra !== undefined) throw new Error('two "=" in one tag'); // aa=bb=cc (EC 0010-00000219)
      return [percentDecode(name), percentDecode(value)];
    } catch {
      throw ossError.invalidArgument(
        'The tag provided was not a valid tag.',
        argument,
        tagging,
        '0010-00000219',
      );
    }
  });
  return checkTags(tags, argument, tagging);
}

export function formatTaggingHeader(tags: Tag[]): string {
  return tags.map(([key, value]) => `${uriEncode(key)}=${uriEncode(value)}`).join('&');
}

/** The body of PutObjectTagging: `<Tagging><TagSet><Tag><Key/><Value/></Tag>...</TagSet></Tagging>`. */
export function parseTaggingXml(body: string): Tag[] {
  let root: XmlNode | undefined;
  try {
    root = parseXml(body, { arrays: ['Tag'] }).Tagging;
  } catch {
    throw ossError.malformedXml();
  }
  if (root === undefined || typeof root !== 'object' || Array.isArray(root)) throw ossError.malformedXml();
  const tagSet = root.TagSet ?? '';
  if (typeof tagSet !== 'object' || Array.isArray(tagSet)) {
    if (tagSet === '') return [];
    throw ossError.malformedXml();
  }
  const tags = ((tagSet.Tag ?? []) as XmlNode[]).map((node): Tag => {
    const tag = node as XmlElement;
    const key = tag.Key;
    const value = tag.Value ?? '';
    if (typeof key !== 'string' || typeof value !== 'string') throw ossError.malformedXml();
    return [key, value];
  });
  return checkTags(tags, 'Tagging', body.slice(0, 256));
}

export function renderTaggingXml(tags: Tag[]): string {
  return buildXml('Tagging', {
    TagSet: tags.length === 0 ? '' : { Tag: tags.map(([Key, Value]) => ({ Key, Value })) },
  });
}
