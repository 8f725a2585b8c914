// The body of an upload callback (OSS API reference, "Callback"): a template whose `${...}`
// placeholders OSS fills in after storing the object — its system variables, and the uploader's own
// `${x:name}` from callback-var. One definition for the page, which checks a template as it is typed,
// and the emulator, which renders it.
//
// How values go in: a form body gets each URL-encoded; a JSON body gets each JSON-encoded — a string
// with its quotes, a number bare — so the documentation's own `{"mimeType":${mimeType},"size":${size}}`
// is valid JSON, and `{"key":"${object}"}` is not (it would read `{"key":""photos/a.jpg""}`).

export type CallbackBodyType = 'application/x-www-form-urlencoded' | 'application/json';
export const CALLBACK_BODY_TYPES: readonly CallbackBodyType[] = [
  'application/x-www-form-urlencoded',
  'application/json',
];

/** The system variables, and whether each is a number (bare in JSON) or text. */
export const CALLBACK_SYSTEM_VARIABLES = {
  bucket: 'text',
  object: 'text',
  etag: 'text',
  size: 'number',
  mimeType: 'text',
  'imageInfo.height': 'number',
  'imageInfo.width': 'number',
  'imageInfo.format': 'text',
  crc64: 'number',
  contentMd5: 'text',
  vpcId: 'text',
  clientIp: 'text',
  reqId: 'text',
  operation: 'text',
} as const;
export type CallbackSystemVariable = keyof typeof CALLBACK_SYSTEM_VARIABLES;

/** Custom variables: `x:` and lowercase letters, digits, `_` or `-` (callback-var keys). */
export const CUSTOM_CALLBACK_VARIABLE = /^x:[a-z0-9_-]+$/;

const PLACEHOLDER = /\$\{([^}]*)\}/g;

const isSystemVariable = (name: string): name is CallbackSystemVariable =>
  Object.hasOwn(CALLBACK_SYSTEM_VARIABLES, name);

/** Why a template cannot be substituted (an unclosed or empty `${}`), or undefined when it can. */
export function findMalformedVariable(template: string): string | undefined {
  const withoutVariables = template.replace(PLACEHOLDER, (whole, name: string) =>
    name.trim() === '' ? '\0' : ' '.repeat(whole.length),
  );
  // biome-ignore lint/suspicious/noTemplateCurlyInString: names the OSS syntax, not a JS template.
  if (withoutVariables.includes('\0')) return 'empty variable ${}';
  const open = withoutVariables.indexOf('${');
  return open < 0 ? undefined : `unclosed variable at offset ${open}`;
}

/**
 * Fills the template. `system` gives a system variable's value (undefined: the name is not one, and
 * the placeholder stays as written); `custom` a callback-var value (absent ones are empty).
 */
export function renderCallbackBody(
  template: string,
  bodyType: CallbackBodyType,
  system: (name: CallbackSystemVariable) => string,
  custom: ReadonlyMap<string, string>,
): string {
  const encode = (text: string, numeric: boolean) =>
    bodyType === 'application/json'
      ? numeric && text !== ''
        ? text
        : JSON.stringify(text)
      : encodeURIComponent(text);
  return template.replace(PLACEHOLDER, (whole, rawName: string) => {
    const name = rawName.trim();
    if (name.startsWith('x:')) return encode(custom.get(name) ?? '', false);
    if (!isSystemVariable(name)) return whole;
    return encode(system(name), CALLBACK_SYSTEM_VARIABLES[name] === 'number');
  });
}

/** What is wrong with a template a person typed, in words; undefined when OSS will render it well. */
export function callbackBodyProblem(template: string, bodyType: CallbackBodyType): string | undefined {
  for (const [, name = ''] of template.matchAll(PLACEHOLDER)) {
    if (!isSystemVariable(name) && !CUSTOM_CALLBACK_VARIABLE.test(name)) {
      return `\${${name}} is not a variable OSS knows: use bucket, object, etag, size, mimeType, … or x:your_name (lowercase).`;
    }
  }
  if (findMalformedVariable(template)) return `A \${ is not closed with }.`;
  if (bodyType === 'application/json') {
    // Rendered with stand-in values of each kind, the body must be JSON, exactly as OSS will send it.
    const sample = renderCallbackBody(
      template,
      bodyType,
      (name) => (CALLBACK_SYSTEM_VARIABLES[name] === 'number' ? '0' : 'text'),
      new Map(),
    );
    try {
      JSON.parse(sample);
    } catch {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: OSS placeholders, not a JS template.
      return 'This is not valid JSON as OSS will fill it in: variables are inserted with their quotes, so write {"key":${object},"size":${size}}, not {"key":"${object}"}.';
    }
  }
  return undefined;
}
