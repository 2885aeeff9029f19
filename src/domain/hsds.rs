//! The directory in the Open Referral UK / HSDS 3.0 shape, so link workers
//! and local authorities can exchange it: an entry becomes a service with
//! its organization, locations (physical and virtual), contacts, phones,
//! schedules, service areas and categories (as taxonomy terms), and a
//! service read back becomes an entry draft, checked like any other.

use serde_json::{Map, Value, json};

use super::directory::{Entry, EntryDraft, Referral};
use crate::error::{ApiError, ApiResult};

/// Kinds of HSDS record, each given its own stable identifier per entry.
#[derive(Clone, Copy)]
enum Record {
    Service = 1,
    Organization,
    Physical,
    Virtual,
    ServiceAtPhysical,
    ServiceAtVirtual,
    Phone,
    Contact,
    Schedule,
    Area,
    Accessibility,
}

/// A stable identifier in the UUID form HSDS asks for: the record kind, then the entry id.
fn uuid(record: Record, entry_id: i64, index: usize) -> String {
    format!("{:08x}-{:04x}-4000-8000-{:012x}", record as u32, index, entry_id)
}

fn referral_text(referral: Referral) -> &'static str {
    match referral {
        Referral::SelfReferral => "Self-referral",
        Referral::Gp => "GP referral",
        Referral::LinkWorker => "Link-worker referral",
    }
}

/// Puts `value` under `key` unless it is empty (HSDS checks formats, such as email, on what is present).
fn put(object: &mut Map<String, Value>, key: &str, value: &str) {
    if !value.is_empty() {
        object.insert(key.into(), json!(value));
    }
}

/// One entry as an HSDS 3.0 service. `reviewed` is the last-reviewed day
/// (`YYYY-MM-DD`), `modified` an RFC 3339 time.
pub fn service(id: i64, entry: &Entry, reviewed: Option<&str>, modified: &str) -> Value {
    let mut service = Map::new();
    service.insert("id".into(), json!(uuid(Record::Service, id, 0)));
    service.insert("name".into(), json!(entry.name));
    service.insert("status".into(), json!("active"));
    put(&mut service, "description", &entry.description);
    put(&mut service, "url", &entry.website);
    put(&mut service, "email", &entry.email);
    put(&mut service, "eligibility_description", &entry.audience);
    put(&mut service, "fees_description", &entry.cost);
    let process: Vec<&str> = entry.referral.iter().map(|referral| referral_text(*referral)).collect();
    put(&mut service, "application_process", &process.join("; "));
    put(&mut service, "assured_date", reviewed.unwrap_or_default());
    service.insert("last_modified".into(), json!(modified));
    if !entry.organisation.is_empty() {
        let organization_id = uuid(Record::Organization, id, 0);
        service.insert("organization_id".into(), json!(organization_id));
        service.insert(
            "organization".into(),
            json!({ "id": organization_id, "name": entry.organisation, "description": entry.organisation }),
        );
    }
    let phones: Vec<Value> = if entry.phone.is_empty() {
        Vec::new()
    } else {
        vec![json!({ "id": uuid(Record::Phone, id, 0), "number": entry.phone })]
    };
    if !entry.email.is_empty() || !phones.is_empty() {
        let mut contact = Map::new();
        contact.insert("id".into(), json!(uuid(Record::Contact, id, 0)));
        put(&mut contact, "name", &entry.organisation);
        put(&mut contact, "email", &entry.email);
        contact.insert("phones".into(), json!(phones));
        service.insert("contacts".into(), json!([contact]));
    }
    service.insert("phones".into(), json!(phones));
    let mut at_locations = Vec::new();
    let accessibility = (!entry.accessibility.is_empty())
        .then(|| json!([{ "id": uuid(Record::Accessibility, id, 0), "description": entry.accessibility }]));
    if !entry.address.is_empty() || entry.coordinates.is_some() {
        let mut location = Map::new();
        location.insert("id".into(), json!(uuid(Record::Physical, id, 0)));
        location.insert("location_type".into(), json!("physical"));
        put(&mut location, "name", &entry.address);
        if let Some((latitude, longitude)) = entry.coordinates {
            location.insert("latitude".into(), json!(latitude));
            location.insert("longitude".into(), json!(longitude));
        }
        if let Some(accessibility) = &accessibility {
            location.insert("accessibility".into(), accessibility.clone());
        }
        at_locations.push(json!({ "id": uuid(Record::ServiceAtPhysical, id, 0), "location": location }));
    }
    if entry.online {
        let mut location = Map::new();
        location.insert("id".into(), json!(uuid(Record::Virtual, id, 0)));
        location.insert("location_type".into(), json!("virtual"));
        put(&mut location, "url", &entry.website);
        if at_locations.is_empty()
            && let Some(accessibility) = &accessibility
        {
            location.insert("accessibility".into(), accessibility.clone());
        }
        at_locations.push(json!({ "id": uuid(Record::ServiceAtVirtual, id, 0), "location": location }));
    }
    service.insert("service_at_locations".into(), json!(at_locations));
    let schedules: Vec<Value> = if entry.opening_times.is_empty() {
        Vec::new()
    } else {
        vec![json!({ "id": uuid(Record::Schedule, id, 0), "description": entry.opening_times })]
    };
    service.insert("schedules".into(), json!(schedules));
    let areas: Vec<Value> = if entry.area_served.is_empty() {
        Vec::new()
    } else {
        vec![json!({ "id": uuid(Record::Area, id, 0), "name": entry.area_served })]
    };
    service.insert("service_areas".into(), json!(areas));
    let attributes: Vec<Value> = entry
        .categories
        .iter()
        .enumerate()
        .map(|(index, category)| {
            json!({
                "id": uuid(Record::Service, id, index + 1),
                "taxonomy_term": { "id": uuid(Record::Organization, id, index + 1), "name": category, "description": category },
            })
        })
        .collect();
    service.insert("attributes".into(), json!(attributes));
    Value::Object(service)
}

/// A page of services as the HSDS 3.0 API lists them (one page holding all).
pub fn page(services: Vec<Value>) -> Value {
    let count = services.len();
    json!({
        "total_items": count,
        "total_pages": 1,
        "page_number": 1,
        "size": count,
        "first_page": true,
        "last_page": true,
        "empty": count == 0,
        "contents": services,
    })
}

fn text(value: &Value, key: &str) -> String {
    value.get(key).and_then(Value::as_str).unwrap_or_default().to_owned()
}

fn first<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value.get(key).and_then(Value::as_array).and_then(|list| list.first())
}

fn list<'a>(value: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    value.get(key).and_then(Value::as_array).into_iter().flatten()
}

/// The services of a page (or a bare list of services).
pub fn services(document: &Value) -> ApiResult<&Vec<Value>> {
    document.get("contents").unwrap_or(document).as_array().ok_or_else(|| {
        ApiError::invalid("invalid_hsds", "Send an HSDS 3.0 page of services (with `contents`) or a list of services.")
    })
}

/// A service read back as an entry draft for `community` (not yet checked).
pub fn draft(service: &Value, community: Option<String>) -> EntryDraft {
    let locations: Vec<&Value> = list(service, "service_at_locations").filter_map(|at| at.get("location")).collect();
    let physical = locations.iter().find(|location| text(location, "location_type") == "physical");
    let online = locations.iter().any(|location| text(location, "location_type") == "virtual");
    let contact = first(service, "contacts");
    let phone = first(service, "phones")
        .or_else(|| contact.and_then(|contact| first(contact, "phones")))
        .map(|phone| text(phone, "number"))
        .unwrap_or_default();
    let email = Some(text(service, "email"))
        .filter(|email| !email.is_empty())
        .or_else(|| contact.map(|contact| text(contact, "email")))
        .unwrap_or_default();
    let process = text(service, "application_process");
    let referral = [Referral::SelfReferral, Referral::Gp, Referral::LinkWorker]
        .into_iter()
        .filter(|referral| process.split(';').any(|part| part.trim().eq_ignore_ascii_case(referral_text(*referral))))
        .collect();
    let accessibility = locations
        .iter()
        .find_map(|location| first(location, "accessibility"))
        .map(|accessibility| text(accessibility, "description"))
        .unwrap_or_default();
    EntryDraft {
        community,
        name: text(service, "name"),
        organisation: service.get("organization").map(|organization| text(organization, "name")).unwrap_or_default(),
        description: text(service, "description"),
        audience: text(service, "eligibility_description"),
        referral,
        cost: text(service, "fees_description"),
        address: physical.map(|location| text(location, "name")).unwrap_or_default(),
        latitude: physical.and_then(|location| location.get("latitude")).and_then(Value::as_f64),
        longitude: physical.and_then(|location| location.get("longitude")).and_then(Value::as_f64),
        area_served: first(service, "service_areas").map(|area| text(area, "name")).unwrap_or_default(),
        online,
        phone,
        email,
        website: text(service, "url"),
        opening_times: first(service, "schedules").map(|schedule| text(schedule, "description")).unwrap_or_default(),
        accessibility,
        categories: list(service, "attributes")
            .filter_map(|attribute| attribute.get("taxonomy_term"))
            .map(|term| text(term, "name"))
            .filter(|name| !name.is_empty())
            .collect(),
    }
}
