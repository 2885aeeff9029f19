/**
 * The admin console's side of the API: the first-run setup link, the
 * instance's settings, the admin log, and running communities (with the
 * moderators' requests to join).
 */
import { request } from './api';
import type { Badge, Community, Place } from './types';

export interface VersionedText {
  version: string;
  text: string;
}

/** One helpline as an admin enters it (the server adds the call and text links). */
export interface HelplineEntry {
  name: string;
  phone?: string;
  text?: string;
  sms?: string;
  sms_body?: string;
  hours: string;
  url: string;
  description: string;
}

export interface Footer {
  operator: string;
  privacy: string;
  contact: string;
  accessibility: string;
  terms: string;
}

export interface InstanceSettings {
  name: string;
  logo_text: string | null;
  brand_colour: string | null;
  guidelines: VersionedText;
  health_data_consent: VersionedText;
  helplines: Record<string, HelplineEntry[]>;
  helplines_locale: string;
  crisis_action: 'publish' | 'flag' | 'hold';
  hold_first_posts: number;
  joining: 'open' | 'approval' | 'invitation';
  footer: Footer;
}

export type SettingsChange = Partial<Omit<InstanceSettings, 'logo_text' | 'brand_colour'>> & {
  logo_text?: string;
  brand_colour?: string;
};

export interface AdminLogEntry {
  id: number;
  actor: string;
  at: string;
  action: string;
  subject: string;
  old_value: string | null;
  new_value: string | null;
}

export interface AdminLogPage {
  entries: AdminLogEntry[];
  next_before: number | null;
}

export interface FirstAdmin {
  username: string;
  display_name?: string;
  password: string;
  email?: string;
}

const at = encodeURIComponent;

export const adminApi = {
  checkSetup: (token: string) => request<void>('GET', `/setup/${at(token)}`),
  createFirstAdmin: (token: string, admin: FirstAdmin) => request<unknown>('POST', `/setup/${at(token)}`, admin),
  settings: () => request<InstanceSettings>('GET', '/admin/settings'),
  changeSettings: (change: SettingsChange) => request<InstanceSettings>('PATCH', '/admin/settings', change),
  log: (before?: number | null) => request<AdminLogPage>('GET', `/admin/log${before ? `?before=${before}` : ''}`),
};

/** An application to join the instance, waiting for an admin. */
export interface Application {
  username: string;
  display_name: string;
  note: string | null;
  applied_at: string;
  /** The decision is mailed to them. */
  has_email: boolean;
}

/** The instance's recruiting as totals. */
export interface RecruitingTotals {
  links: number;
  usable: number;
  joined: number;
  recruiters: number;
}

export const joiningApi = {
  applications: () => request<{ applications: Application[] }>('GET', '/admin/applications'),
  decide: (username: string, decision: 'accept' | 'refuse', message: string) =>
    request<void>('POST', `/admin/applications/${at(username)}`, { decision, message: message.trim() || undefined }),
  recruiting: () => request<RecruitingTotals>('GET', '/recruiting'),
};

/** A pending request to join, as its community's moderators see it. */
export interface JoinRequest {
  username: string;
  display_name: string;
  requested_at: string;
}

export interface CommunityDraft {
  slug: string;
  name: string;
  kind: 'condition' | 'place';
  place?: Place;
  description: string;
  visibility: 'public' | 'members' | 'approval';
}

export interface CommunityEdit {
  name?: string;
  description?: string;
  visibility?: 'public' | 'members' | 'approval';
  place?: Place;
}

/** A place as its form fields hold it. */
export interface PlaceText {
  name: string;
  region: string;
  latitude: string;
  longitude: string;
}

export function placeText(place: Place | null | undefined): PlaceText {
  const number = (value: number | null | undefined) => (value === null || value === undefined ? '' : String(value));
  return {
    name: place?.name ?? '',
    region: place?.region ?? '',
    latitude: number(place?.latitude),
    longitude: number(place?.longitude),
  };
}

/** The place the fields describe, or the sentence saying which coordinate is not a number. */
export function placeFrom(text: PlaceText): Place | string {
  const coordinate = (value: string) => (value.trim() === '' ? null : Number(value.trim()));
  const [latitude, longitude] = [coordinate(text.latitude), coordinate(text.longitude)];
  if (Number.isNaN(latitude) || Number.isNaN(longitude)) {
    return 'Please give the latitude and longitude as numbers, such as 52.586 and -1.982.';
  }
  return { name: text.name.trim(), region: text.region.trim() || null, latitude, longitude };
}

export const communityApi = {
  requests: (slug: string) => request<JoinRequest[]>('GET', `/communities/${at(slug)}/membership-requests`),
  decide: (slug: string, username: string, decision: 'accept' | 'refuse', message: string) =>
    request<void>('POST', `/communities/${at(slug)}/membership-requests/${at(username)}`, {
      decision,
      message: message.trim() || undefined,
    }),
  create: (draft: CommunityDraft) => request<Community>('POST', '/communities', draft),
  edit: (slug: string, edit: CommunityEdit) => request<Community>('PATCH', `/admin/communities/${at(slug)}`, edit),
  archive: (slug: string, archived: boolean) =>
    request<void>(archived ? 'PUT' : 'DELETE', `/admin/communities/${at(slug)}/archive`),
  remove: (slug: string, confirm: string) => request<void>('DELETE', `/admin/communities/${at(slug)}`, { confirm }),
  addRoom: (slug: string, name: string) => request<unknown>('POST', `/communities/${at(slug)}/rooms`, { name }),
  moderators: (slug: string) => request<Person[]>('GET', `/communities/${at(slug)}/moderators`),
  appointModerator: (slug: string, username: string) =>
    request<void>('PUT', `/communities/${at(slug)}/moderators/${at(username)}`),
  dismissModerator: (slug: string, username: string) =>
    request<void>('DELETE', `/communities/${at(slug)}/moderators/${at(username)}`),
  organisers: (slug: string) => request<Person[]>('GET', `/communities/${at(slug)}/organisers`),
  appointOrganiser: (slug: string, username: string) =>
    request<void>('PUT', `/communities/${at(slug)}/organisers/${at(username)}`),
  removeOrganiser: (slug: string, username: string) =>
    request<void>('DELETE', `/communities/${at(slug)}/organisers/${at(username)}`),
  leads: (slug: string) => request<string[]>('GET', `/admin/communities/${at(slug)}/safeguarding-leads`),
  appointLead: (slug: string, username: string) =>
    request<void>('PUT', `/admin/communities/${at(slug)}/safeguarding-leads/${at(username)}`),
  standDownLead: (slug: string, username: string) =>
    request<void>('DELETE', `/admin/communities/${at(slug)}/safeguarding-leads/${at(username)}`),
};

/** A member holding a role in a community. */
export interface Person {
  username: string;
  display_name: string;
}

/** A member an admin found, with the restrictions in force. */
export interface FoundMember {
  username: string;
  display_name: string;
  is_admin: boolean;
  joined_at: string;
  email_verified: boolean;
  sanctions: { kind: string; community_id: number | null; ends_at: string | null }[];
  badges: Badge[];
}

export const memberApi = {
  find: (q: string) => request<FoundMember[]>('GET', `/admin/members?q=${at(q)}`),
  endSessions: (username: string) => request<void>('DELETE', `/admin/members/${at(username)}/sessions`),
  sendReset: (username: string) => request<void>('POST', `/admin/members/${at(username)}/password-reset`, {}),
  restrict: (action: 'suspend' | 'ban', member: string, minutes: number | null, reason: string) =>
    request<unknown>('POST', '/moderation/actions', { action, member, minutes, reason }),
  erase: (username: string) => request<void>('DELETE', `/admin/users/${at(username)}`),
  grantBadge: (username: string, kind: Badge['kind'], detail: string) =>
    request<unknown>('PUT', `/admin/members/${at(username)}/badges/${kind}`, detail.trim() ? { detail: detail.trim() } : {}),
  removeBadge: (username: string, kind: Badge['kind']) =>
    request<void>('DELETE', `/admin/members/${at(username)}/badges/${kind}`),
};
