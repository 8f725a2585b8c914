// Test support: signs a person in to a Skylift app through the test provider over plain HTTP, the
// way a browser does — every redirect followed by hand, cookies kept per origin, the login form
// filled in — and returns the app's session cookie. Browser walk-throughs are the e2e suite's.
import { TEST_PEOPLE } from './identity-provider.ts';

/** Cookies per origin; path and expiry attributes are ignored, except that expired cookies go. */
class CookieJar {
  private readonly jars = new Map<string, Map<string, string>>();

  store(url: string, response: Response): void {
    const jar = this.jars.get(new URL(url).origin) ?? new Map<string, string>();
    this.jars.set(new URL(url).origin, jar);
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const [name, value] = [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /expires=.*1970/i.test(a));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
  }

  header(url: string): string {
    const jar = this.jars.get(new URL(url).origin);
    return jar ? [...jar].map(([name, value]) => `${name}=${value}`).join('; ') : '';
  }

  get(origin: string, name: string): string | undefined {
    return this.jars.get(origin)?.get(name);
  }
}

export interface SignInResult {
  /** The HTTP status of the app's answer to the provider's redirect (303 when signed in). */
  status: number;
  /** `Cookie` header value carrying the app's session, when one was set. */
  cookie?: string;
  /** The Set-Cookie line of the session, attributes and all. */
  setCookie?: string;
  /** Where the app sent the browser afterwards, or its page's text on a refusal. */
  location?: string;
  body?: string;
}

const MAX_STEPS = 20;

export async function signInOverHttp(
  appUrl: string,
  username: string,
  returnTo = '/',
): Promise<SignInResult> {
  const person = TEST_PEOPLE[username];
  if (!person) throw new Error(`No test person ${username}`);
  const jar = new CookieJar();
  const appOrigin = new URL(appUrl).origin;
  let url = `${appOrigin}/api/auth/login?returnTo=${encodeURIComponent(returnTo)}`;
  let form: URLSearchParams | undefined;
  for (let step = 0; step < MAX_STEPS; step++) {
    const response = await fetch(url, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: jar.header(url),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form?.toString(),
    });
    jar.store(url, response);
    form = undefined;
    const location = response.headers.get('location');
    const isCallback = new URL(url).origin === appOrigin && new URL(url).pathname === '/api/auth/callback';
    if (isCallback) {
      const session = jar.get(appOrigin, '__Host-skylift-session');
      const setCookie = response.headers
        .getSetCookie()
        .find((line) => line.startsWith('__Host-skylift-session='));
      return {
        status: response.status,
        ...(session ? { cookie: `__Host-skylift-session=${session}` } : {}),
        ...(setCookie ? { setCookie } : {}),
        ...(location ? { location } : { body: await response.text() }),
      };
    }
    if (location) {
      url = new URL(location, url).href;
      continue;
    }
    const page = await response.text();
    const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1];
    if (response.status !== 200 || !action) {
      throw new Error(`Sign-in stopped at ${url}: HTTP ${response.status} ${page.slice(0, 300)}`);
    }
    url = new URL(action.replaceAll('&amp;', '&'), url).href;
    form = new URLSearchParams({ login: username, password: person.password });
  }
  throw new Error(`Sign-in did not finish in ${MAX_STEPS} steps (at ${url})`);
}
