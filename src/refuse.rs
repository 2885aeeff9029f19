//! Requests refused before routing because no route could mean them: a
//! NUL anywhere in the address. No name, slug or token has one, and
//! PostgreSQL can neither store nor compare one, so it is answered here
//! with a clear 400 rather than reaching a query.

use actix_web::Error;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

use crate::error::ApiError;

pub async fn nul_in_address(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let address = request.uri().path_and_query().map(|whole| whole.as_str()).unwrap_or_default();
    if address.to_ascii_lowercase().contains("%00") {
        let refusal = ApiError::bad_request("invalid_address", "The address of this request holds a NUL character.");
        return Ok(request.error_response(refusal).map_into_right_body());
    }
    Ok(next.call(request).await?.map_into_left_body())
}
