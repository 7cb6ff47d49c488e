//! Hand-written checks that generated request bodies must pass before they are sent
//! (operations whose body the spec marks `x-graph-meetings-validate`).

use crate::error::Error;
use crate::request::Validate;

/// The documented time rules of createOrGet: an end needs a start, and may not come before it.
/// (With neither, Graph starts the meeting now and ends it an hour later; with only a start, an
/// hour after the start.)
impl Validate for crate::v1::CreateOrGetRequest {
    fn validate(&self) -> Result<(), Error> {
        match (&self.start_date_time, &self.end_date_time) {
            (None, Some(_)) => Err(Error::InvalidArgument(
                "createOrGet: endDateTime needs a startDateTime".into(),
            )),
            (Some(start), Some(end)) if end.value() < start.value() => Err(Error::InvalidArgument(
                format!("createOrGet: endDateTime {end} is before startDateTime {start}"),
            )),
            _ => Ok(()),
        }
    }
}
