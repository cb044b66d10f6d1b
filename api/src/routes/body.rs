//! `JsonObject<T>`: the JSON body of an operation, which must be an object.
//! serde reads a struct from an array too (`[null, null]` was a valid
//! `PATCH`), so the body is read as a JSON value first and refused with 422
//! unless it is an object; then it is read as `T`, naming the bad field.

use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use shared::{ErrorCode, FieldError};

use crate::error::{from_json, ApiError};

pub struct JsonObject<T>(pub T);

impl<T> JsonObject<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for JsonObject<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonObject<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        // Limits, content type and unreadable JSON as `JsonConfig` says.
        let value = web::Json::<serde_json::Value>::from_request(req, payload);
        Box::pin(async move {
            let web::Json(value) = value.await?;
            if !value.is_object() {
                let not_object = FieldError::with_message(
                    "",
                    ErrorCode::InvalidValue,
                    "the body must be a JSON object",
                );
                return Err(ApiError::Validation(vec![not_object]).into());
            }
            serde_json::from_value(value)
                .map(JsonObject)
                .map_err(|e| from_json(&e, "").into())
        })
    }
}
