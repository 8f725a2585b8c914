// Whether the site may use a capability a person can block in the site settings (Background Sync,
// Background Fetch): anything but an explicit "denied" counts as allowed, and so does a browser
// whose Permissions API does not know the name.

export async function permissionNotDenied(
  permissions: Pick<Permissions, 'query'> | undefined,
  name: string,
): Promise<boolean> {
  try {
    return (await permissions!.query({ name: name as PermissionName })).state !== 'denied';
  } catch {
    return true;
  }
}
