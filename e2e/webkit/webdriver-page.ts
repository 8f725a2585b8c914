// A WebKit page driven over classic WebDriver (WebKitWebDriver), with the few Page methods the
// shared helpers of e2e/upload-support.ts use: the same helpers drive every browser.
import { By, type WebDriver, type WebElement } from 'selenium-webdriver';
import type { AppPage } from '../upload-support.ts';

type Outcome = { value?: unknown; error?: string };

export class WebDriverPage implements AppPage {
  constructor(
    readonly driver: WebDriver,
    private readonly baseURL: string,
  ) {}

  async goto(url: string): Promise<void> {
    await this.driver.get(new URL(url, this.baseURL).href);
  }

  async reload(): Promise<void> {
    await this.driver.navigate().refresh();
  }

  evaluate<R>(fn: () => R | Promise<R>): Promise<R>;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /** Runs `fn` in the page as Playwright's evaluate does: its source, with one JSON-able argument. */
  async evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> {
    const outcome = (await this.driver.executeAsyncScript(
      `const done = arguments[arguments.length - 1];
      Promise.resolve()
        .then(() => (${fn.toString()})(arguments[0]))
        .then((value) => done({ value }), (error) => done({ error: String(error?.stack ?? error) }));`,
      arg,
    )) as Outcome;
    if (outcome.error !== undefined) throw new Error(`In the page: ${outcome.error}`);
    return outcome.value as R;
  }

  async setInputFiles(selector: string, files: string[]): Promise<void> {
    await this.driver.findElement(By.css(selector)).sendKeys(files.join('\n'));
  }

  /** An element inside shadow roots: `path` lists one CSS selector per shadow tree, outermost first. */
  async shadowElement(...path: string[]): Promise<WebElement> {
    const element = await this.driver.executeScript<WebElement | null>(
      `let node = document;
      for (const [i, selector] of arguments[0].entries()) {
        node = (i === 0 ? node : node?.shadowRoot)?.querySelector(selector);
      }
      return node ?? null;`,
      path,
    );
    if (!element) throw new Error(`No element at ${path.join(' » ')}`);
    return element;
  }

  /** The visible text of an element inside shadow roots (see shadowElement). */
  async shadowText(...path: string[]): Promise<string> {
    return (await this.shadowElement(...path)).getText();
  }
}
