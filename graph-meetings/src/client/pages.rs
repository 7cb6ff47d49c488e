//! Collections, page by page: a stream of pages that follows `@odata.nextLink` (and ends with
//! the `@odata.deltaLink` of a delta query), and a stream of their items. Each page is a GET
//! like any other: the same retries, timeouts, client-request-id and tracing.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash as _, Hasher as _};

use futures_core::Stream;
use futures_util::stream::{self, StreamExt as _, TryStreamExt as _};

use crate::error::Error;
use crate::request::{Page, Request};

/// How much of a collection a page stream reads at most; unlimited by default.
///
/// ```
/// use graph_meetings::PageLimits;
///
/// let limits = PageLimits::default().max_pages(10).max_items(500);
/// assert_eq!(limits.pages(), Some(10));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PageLimits {
    pages: Option<usize>,
    items: Option<usize>,
}

impl PageLimits {
    /// Stop after `n` pages.
    pub fn max_pages(mut self, n: usize) -> Self {
        self.pages = Some(n);
        self
    }

    /// Stop after `n` items (for [`Request::items_with`]; no page past them is asked for).
    pub fn max_items(mut self, n: usize) -> Self {
        self.items = Some(n);
        self
    }

    /// The page limit.
    pub fn pages(&self) -> Option<usize> {
        self.pages
    }

    /// The item limit.
    pub fn items(&self) -> Option<usize> {
        self.items
    }
}

impl<'c, T: 'c> Request<'c, Page<T>> {
    /// Every page, in order: this request's answer, then each `@odata.nextLink`'s. The last
    /// page of a delta query carries `delta_link`: keep it to ask later for what changed.
    /// A link to anywhere but the client's service root ends the stream with
    /// [`Error::InvalidArgument`] before anything is sent to it.
    ///
    /// ```no_run
    /// # async fn run(client: graph_meetings::Client) -> Result<(), graph_meetings::Error> {
    /// use futures_util::TryStreamExt as _;
    ///
    /// let list = client.me().online_meetings().list().top(50);
    /// let mut pages = std::pin::pin!(list.pages());
    /// while let Some(page) = pages.try_next().await? {
    ///     println!("{} meetings", page.value.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn pages(&self) -> impl Stream<Item = Result<Page<T>, Error>> + 'c {
        self.pages_with(PageLimits::default())
    }

    /// [`Self::pages`], within `limits`.
    pub fn pages_with(
        &self,
        limits: PageLimits,
    ) -> impl Stream<Item = Result<Page<T>, Error>> + 'c {
        let first: Result<Request<'c, Page<T>>, Error> = Ok(self.duplicate());
        // A hash of every link followed: a link that comes back would loop for ever.
        let seen: HashSet<u64> = HashSet::new();
        stream::try_unfold(
            (Some(first), 0usize, seen),
            move |(next, sent, mut seen)| async move {
                let Some(request) = next else {
                    return Ok(None);
                };
                if limits.pages.is_some_and(|max| sent >= max) {
                    return Ok(None);
                }
                let request = request?;
                let page = request.send().await?.into_inner();
                let next = page.next_link.as_deref().map(|link| {
                    let mut h = DefaultHasher::new();
                    link.hash(&mut h);
                    if seen.insert(h.finish()) {
                        request.follow_link(link)
                    } else {
                        Err(Error::InvalidArgument(format!(
                            "the next link {link:?} was followed already: the pages would loop"
                        )))
                    }
                });
                Ok(Some((page, (next, sent + 1, seen))))
            },
        )
    }

    /// Every item of every page, in order.
    pub fn items(&self) -> impl Stream<Item = Result<T, Error>> + 'c {
        self.items_with(PageLimits::default())
    }

    /// [`Self::items`], within `limits`.
    pub fn items_with(&self, limits: PageLimits) -> impl Stream<Item = Result<T, Error>> + 'c {
        self.pages_with(limits)
            .map_ok(|page| stream::iter(page.value.into_iter().map(Ok)))
            .try_flatten()
            .take(limits.items.unwrap_or(usize::MAX))
    }
}

impl<'c, T> Request<'c, T> {
    /// The request for a link Graph gave in an answer to this one (a next link, or a delta
    /// link kept from an earlier sync): [`Request::follow`] against the service root of the
    /// client the request was built from. A link to anywhere else is refused with
    /// [`Error::InvalidArgument`] and nothing is sent.
    pub fn follow_link(&self, link: &str) -> Result<Request<'c, T>, Error> {
        match self.target.client_ref() {
            Some(client) => self.follow(link, &client.base_url(self.target.version())),
            None => Err(Error::NoClient),
        }
    }
}
