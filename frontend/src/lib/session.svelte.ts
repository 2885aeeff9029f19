/**
 * What every screen needs: the instance (its name, texts and labels) and
 * who is signed in. Loaded once at start; sign-in and sign-out refresh it.
 */
import { ApiError, accountApi, api } from './api';
import type { Instance, Me, Membership } from './types';

export const session = $state<{
  instance: Instance | null;
  me: Me | null;
  /** False until we know whether the reader is signed in. */
  ready: boolean;
  failure: string | null;
}>({ instance: null, me: null, ready: false, failure: null });

/** The signed-in member, or null for a visitor. */
export async function refreshMe(): Promise<void> {
  try {
    session.me = await api.me();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) session.me = null;
    else throw error;
  }
}

export async function startSession(): Promise<void> {
  try {
    const [instance] = await Promise.all([api.instance(), refreshMe()]);
    session.instance = instance;
    session.ready = true;
  } catch (error) {
    session.failure = error instanceof ApiError ? error.message : String(error);
  }
}

export async function signOut(): Promise<void> {
  try {
    await api.signOut();
  } catch (error) {
    // An already-ended session is signed out all the same.
    if (!(error instanceof ApiError && error.status === 401)) throw error;
  }
  session.me = null;
}

/** A page's title followed by the instance's name. */
/** Accepts the current version of the guidelines or the health-data consent (as published now: an admin may
 * have published a new one since the page loaded), then refreshes the member. */
export async function acceptCurrent(kind: 'guidelines' | 'health_data'): Promise<void> {
  const instance = await api.instance();
  session.instance = instance;
  const version = kind === 'guidelines' ? instance.guidelines.version : instance.health_data_consent.version;
  await accountApi.accept(kind, version);
  await refreshMe();
}

export function pageTitle(name?: string): string {
  const instance = session.instance?.name ?? 'Kindred';
  return name ? `${name} · ${instance}` : instance;
}

/** Whether the signed-in reader may post in a community they have this membership of. */
export function maySpeak(membership: Membership | null | undefined): boolean {
  return !!session.me && (session.me.is_admin || membership === 'member' || membership === 'moderator');
}
