/**
 * The directory of local support: types and calls for its screens, how a
 * referral route reads, and the one map link (an ordinary link to
 * OpenStreetMap, followed only when the member clicks it).
 */
import { query, request } from './api';

export type Referral = 'self_referral' | 'gp' | 'link_worker';

export interface DirectoryEntry {
  id: number;
  /** The community's slug; absent for the instance-wide directory. */
  community: string | null;
  status: 'suggested' | 'approved';
  name: string;
  organisation: string;
  description_html: string;
  audience: string;
  referral: Referral[];
  cost: string;
  address: string;
  latitude: number | null;
  longitude: number | null;
  area_served: string;
  online: boolean;
  phone: string;
  email: string;
  website: string;
  opening_times: string;
  accessibility: string;
  categories: string[];
  reviewed_at: string | null;
  distance_km: number | null;
}

export interface DirectoryPage {
  entries: DirectoryEntry[];
  next_offset: number | null;
}

export interface DirectorySearch {
  community?: string | null;
  q?: string;
  category?: string;
  latitude?: string;
  longitude?: string;
  within_km?: string;
  offset?: number;
  limit?: number;
}

/** An entry as a member suggests it: its fields as written (the description in Markdown). */
export type EntryDraft = Omit<DirectoryEntry, 'id' | 'community' | 'status' | 'description_html' | 'reviewed_at' | 'distance_km'> & {
  community?: string;
  description: string;
};

export const REFERRAL_LABEL: Record<Referral, string> = {
  self_referral: 'Refer yourself: just get in touch or turn up',
  gp: 'Through your GP',
  link_worker: 'Through a link worker (social prescriber)',
};

export const directoryApi = {
  search: (search: DirectorySearch) => request<DirectoryPage>('GET', `/directory${query({ ...search })}`),
  get: (id: number, latitude?: string | null, longitude?: string | null) =>
    request<DirectoryEntry>('GET', `/directory/${id}${query({ latitude, longitude })}`),
  suggest: (draft: EntryDraft) => request<DirectoryEntry>('POST', '/directory', draft),
  suggestions: () => request<DirectoryEntry[]>('GET', '/directory/suggestions'),
  approve: (id: number) => request<void>('POST', `/directory/${id}/review`),
  remove: (id: number) => request<void>('DELETE', `/directory/${id}`),
  saved: () => request<DirectoryEntry[]>('GET', '/me/directory'),
  save: (id: number, on: boolean) => request<void>(on ? 'PUT' : 'DELETE', `/me/directory/${id}`),
};

/** OpenStreetMap at a point: a plain link, nothing loads from there until the member follows it. */
export function mapHref(latitude: number, longitude: number): string {
  return `https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}#map=16/${latitude}/${longitude}`;
}

/** A few entries of a community's directory, as its page previews them. */
export async function directoryPreview(slug: string, shown: number) {
  const { entries } = await directoryApi.search({ community: slug, limit: shown });
  return entries.map((entry) => ({ id: entry.id, href: `/directory/${entry.id}`, title: entry.name, detail: entry.organisation }));
}
