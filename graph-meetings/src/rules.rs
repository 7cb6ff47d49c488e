//! Hand-written checks that generated request bodies must pass before they are sent
//! (operations whose body the spec marks `x-graph-meetings-validate`).

use crate::error::Error;
use crate::request::Validate;
use crate::types::DateTimeOffset;

/// The documented time rules of createOrGet: an end needs a start, and may not come before it.
/// (With neither, Graph starts the meeting now and ends it an hour later; with only a start, an
/// hour after the start.)
fn create_or_get_times(
    start: Option<&DateTimeOffset>,
    end: Option<&DateTimeOffset>,
) -> Result<(), Error> {
    match (start, end) {
        (None, Some(_)) => Err(Error::InvalidArgument(
            "createOrGet: endDateTime needs a startDateTime".into(),
        )),
        (Some(start), Some(end)) if end.value() < start.value() => Err(Error::InvalidArgument(
            format!("createOrGet: endDateTime {end} is before startDateTime {start}"),
        )),
        _ => Ok(()),
    }
}

impl Validate for crate::v1::CreateOrGetRequest {
    fn validate(&self) -> Result<(), Error> {
        create_or_get_times(self.start_date_time.as_ref(), self.end_date_time.as_ref())
    }
}

#[cfg(feature = "beta")]
impl Validate for crate::beta::CreateOrGetRequest {
    fn validate(&self) -> Result<(), Error> {
        create_or_get_times(self.start_date_time.as_ref(), self.end_date_time.as_ref())
    }
}
