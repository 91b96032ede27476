/**
 * What a person does before Tattler can see anything, done the same way in a browser tab: log in
 * to each console that needs a browser session (the fleet's Rancher-style console, Argo CD's
 * login page, the home-grown manager's login form), and type the Nomad ACL token into the Nomad
 * source's form on Tattler's options page. Shared by the end-to-end tests and the demo.
 */
import type { Page } from 'playwright-core';
import { ARGOCD_USERS } from '../../fleet/extra/argocd';
import { HOMEGROWN_USERS } from '../../fleet/extra/homegrown';
import type { ExtraSystems } from '../../fleet/extra/index';
import type { Fleet } from '../../fleet/index';
import type { LaunchedExtension } from './harness';

/** The user the demo and the tests log in as, in Argo CD and the home-grown manager. */
export const READER = 'tattler';

export const extraCredentials = {
  argocd: { username: READER, password: ARGOCD_USERS[READER] as string },
  homegrown: { username: READER, password: HOMEGROWN_USERS[READER] as string },
};

export async function logInToFleet(page: Page, fleet: Pick<Fleet, 'url' | 'credentials'>): Promise<void> {
  await page.goto(`${fleet.url}/dashboard/auth/login`);
  await page.getByLabel(/user/i).fill(fleet.credentials.username);
  await page.getByLabel(/password/i).fill(fleet.credentials.password);
  await Promise.all([
    page.waitForURL(/\/dashboard\/(?!auth)/),
    page.getByRole('button', { name: /log in/i }).click(),
  ]);
}

/** Argo CD's login page; its form posts to /api/v1/session, whose answer sets `argocd.token`. */
export async function logInToArgoCd(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/login`);
  await page.getByLabel('Username').fill(extraCredentials.argocd.username);
  await page.getByLabel('Password').fill(extraCredentials.argocd.password);
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/applications'),
    page.getByRole('button', { name: 'Sign In' }).click(),
  ]);
}

/** The home-grown manager's login form; it sets `forge_session` and sends the browser to `/`. */
export async function logInToHomegrown(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/login`);
  await page.getByLabel('User').fill(extraCredentials.homegrown.username);
  await page.getByLabel('Password').fill(extraCredentials.homegrown.password);
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/'),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
}

/** Every browser session Tattler needs for the extra systems (Nomad takes a token instead). */
export async function logInToExtraSystems(page: Page, extra: Pick<ExtraSystems, 'urls'>): Promise<void> {
  await logInToArgoCd(page, extra.urls.argocd);
  await logInToHomegrown(page, extra.urls.homegrown);
}

/**
 * Opens the options page, edits the Nomad source named `sourceName`, types the token into
 * "Nomad ACL token" and saves; resolves once the page says it was saved.
 */
export async function enterNomadToken(
  ext: LaunchedExtension,
  sourceName: string,
  token: string,
): Promise<void> {
  const page = await ext.openPage('options.html');
  try {
    const item = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: sourceName }) });
    await item.getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: `Edit “${sourceName}”` });
    await form.getByLabel('Nomad ACL token').fill(token);
    await form.getByRole('button', { name: 'Save source' }).click();
    await page.getByText(`Saved “${sourceName}”. Tattler is looking at it now.`).waitFor();
  } finally {
    await page.close();
  }
}
