// OSS's rule for object names (OSS API reference, "Object naming conventions"): 1 to 1023 bytes of
// UTF-8, not starting with "/" or "\". The page, the worker, the token service and the emulator all
// check names against this one rule.

export const MAX_OBJECT_NAME_BYTES = 1023;

/** What is wrong with `key` as an object name, in words; undefined when it is a valid name. */
export function objectNameProblem(key: string): string | undefined {
  if (key === '') return 'The object key is empty.';
  if (key.startsWith('/') || key.startsWith('\\'))
    return `The object key "${key}" must not start with / or \\.`;
  if (new TextEncoder().encode(key).length > MAX_OBJECT_NAME_BYTES) {
    return `The object key is longer than ${MAX_OBJECT_NAME_BYTES} bytes.`;
  }
  return undefined;
}
