// The few server-rendered pages of the sign-in (a refusal, a provider that cannot be reached): plain
// HTML with no script and no style at all, so the strict Content-Security-Policy holds for them too.

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);

export function signInPage(title: string, message: string, link: { href: string; label: string }): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escapeHtml(title)} · Skylift</title>
  </head>
  <body>
    <main>
      <h1>${escapeHtml(title)}</h1>
      <p>${escapeHtml(message)}</p>
      <p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a> · <a href="/">Back to Skylift</a></p>
    </main>
  </body>
</html>
`;
}
