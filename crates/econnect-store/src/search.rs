//! The document list: filters, full-text search (FTS5 over invoice number, counterparty and
//! file name), sort orders and offset paging.

use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Sqlite};

use crate::anchors::{ANCHOR_MIN_OFFSET, Anchor};
use crate::db::Store;
use crate::documents::{Channel, Direction, DocumentRow};
use crate::error::StoreError;
use crate::timestamp;
use crate::totals::{CurrencyTotal, Totals};

/// The statement that counts and sums a filtered set (filters follow).
const TOTALS_SELECT: &str =
    "SELECT d.currency, COUNT(*), COUNT(d.amount_cents), SUM(d.amount_cents) FROM documents d";

/// Rows per page when the caller does not say.
pub const DEFAULT_LIMIT: u32 = 100;
/// The most rows one call returns.
pub const MAX_LIMIT: u32 = 1000;

/// What to sort the document list by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum SortField {
    /// Received on / created on.
    #[default]
    Date,
    /// Issue date.
    IssueDate,
    /// Invoice number.
    Number,
    /// Counterparty name.
    Counterparty,
    /// Amount.
    Amount,
    /// Current status.
    Status,
    /// Organisation name.
    Organisation,
}

/// Sort order of the document list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct DocumentSort {
    /// The field.
    pub field: SortField,
    /// Newest / highest / Z first.
    pub descending: bool,
}

impl Default for DocumentSort {
    fn default() -> Self {
        DocumentSort {
            field: SortField::Date,
            descending: true,
        }
    }
}

/// Filters, search, sort and page of the document list. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct DocumentQuery {
    /// One organisation (normalised party id); all when absent.
    pub party: Option<String>,
    /// Current status name (case-insensitive), e.g. `Delivered`.
    pub status: Option<String>,
    /// Sent or received.
    pub direction: Option<Direction>,
    /// Channel.
    pub channel: Option<Channel>,
    /// Period start (date `YYYY-MM-DD` or RFC 3339), on the received/created date.
    pub from: Option<String>,
    /// Period end, inclusive for a date (`YYYY-MM-DD`), exclusive for a date-time.
    pub to: Option<String>,
    /// Words to find in invoice number, counterparty or file name (prefixes match).
    pub search: Option<String>,
    /// Only these documents (a selection); all when absent.
    pub ids: Option<Vec<String>>,
    /// Only received invoices not answered yet (accepted, rejected or paid).
    pub unanswered: Option<bool>,
    /// Sort order (default: newest first).
    pub sort: Option<DocumentSort>,
    /// Rows to skip.
    pub offset: u32,
    /// Rows to return (default 100, at most 1000).
    pub limit: Option<u32>,
}

/// One page of the document list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DocumentPage {
    /// The rows of this page.
    pub rows: Vec<DocumentRow>,
    /// How many rows match in all.
    pub total: u32,
    /// The sum of the amounts of all matching rows, per currency (most documents first).
    pub totals: Vec<CurrencyTotal>,
    /// The offset of the first row.
    pub offset: u32,
}

/// The FTS5 query for what a user typed: each word becomes a quoted prefix term, all must
/// match. Quoting makes FTS syntax (`OR`, `*`, `"`, `:`…) plain text. `None` when no word.
pub fn fts_query(search: &str) -> Option<String> {
    let terms: Vec<String> = search
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(|w| format!("\"{}\"*", w.to_lowercase()))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// Above this many full-text matches the search drives from the sort order (or another
/// filter) and checks each row against the matches, instead of fetching and sorting them all.
const BROAD_MATCHES: i64 = 1000;

/// The parsed filters of a query, bound into each statement that needs them.
#[derive(Clone)]
struct Filters {
    fts: Option<String>,
    /// Many rows match the search: see [`BROAD_MATCHES`].
    broad: bool,
    from: Option<String>,
    to: Option<String>,
    /// Building the page statement (not the count).
    page: bool,
}

fn push_filters<'a>(q: &mut QueryBuilder<'a, Sqlite>, query: &'a DocumentQuery, f: Filters) {
    q.push(" WHERE 1 = 1");
    if let Some(fts) = f.fts {
        // `+` keeps SQLite from driving the query from the match list when it is long.
        q.push(if f.broad {
            " AND +d.seq IN"
        } else {
            " AND d.seq IN"
        })
        .push(" (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ")
        .push_bind(fts)
        .push(")");
    }
    let (from, to) = (f.from, f.to);
    if let Some(party) = query.party.as_deref().filter(|p| !p.is_empty()) {
        q.push(" AND d.party_id = ").push_bind(party);
    }
    if let Some(ids) = &query.ids {
        q.push(" AND d.id IN (SELECT value FROM json_each(")
            .push_bind(serde_json::to_string(ids).unwrap_or_else(|_| "[]".into()))
            .push("))");
    }
    // Status, direction and channel have a handful of values each: for a page, walking the
    // sort order's index and skipping rows is cheaper than fetching every row of one value
    // and sorting them, so `+` keeps them off indexes there. Totals use the filter indexes,
    // or for one organisation its own covering index (`documents_party_totals`), which
    // holds those columns too: a few thousand entries instead of every row of one status.
    let scoped = query.party.as_deref().is_some_and(|p| !p.is_empty());
    let plain = if f.page || scoped {
        " AND +d."
    } else {
        " AND d."
    };
    if let Some(status) = query.status.as_deref().filter(|s| !s.is_empty()) {
        q.push(plain)
            .push("status = ")
            .push_bind(canonical_status(status));
    }
    if let Some(direction) = query.direction {
        q.push(plain)
            .push("direction = ")
            .push_bind(direction.as_str());
    }
    if let Some(channel) = query.channel {
        q.push(plain).push("channel = ").push_bind(channel.as_str());
    }
    if query.unanswered == Some(true) {
        q.push(
            " AND d.id IN (SELECT r.document_id FROM received_invoices r
               WHERE r.state = 'saved' AND r.response IS NULL AND r.deleted_at IS NULL)",
        );
    }
    if let Some(from) = from {
        q.push(" AND d.created_at >= ").push_bind(from);
    }
    if let Some(to) = to {
        q.push(" AND d.created_at < ").push_bind(to);
    }
}

/// The platform's spelling of the six known statuses, so a filter is case-insensitive
/// while the column keeps an index-friendly exact comparison.
fn canonical_status(status: &str) -> String {
    const KNOWN: [&str; 6] = [
        "Pending",
        "Validated",
        "Routed",
        "Delivered",
        "Rejected",
        "Failed",
    ];
    KNOWN
        .iter()
        .find(|k| k.eq_ignore_ascii_case(status.trim()))
        .map_or_else(|| status.trim().to_string(), |k| (*k).to_string())
}

fn order_by(sort: DocumentSort) -> String {
    let column = match sort.field {
        SortField::Date => "d.created_at",
        SortField::IssueDate => "d.issue_date",
        SortField::Number => "d.invoice_number",
        SortField::Counterparty => "d.counterparty_name",
        SortField::Amount => "d.amount_cents",
        SortField::Status => "d.status",
        SortField::Organisation => "p.name",
    };
    let dir = if sort.descending { "DESC" } else { "ASC" };
    format!(" ORDER BY {column} {dir}, d.seq {dir}")
}

/// The part of a query that decides its total (not sort, offset or limit): the count
/// cache's key.
fn count_key(query: &DocumentQuery) -> String {
    let filters = DocumentQuery {
        sort: None,
        offset: 0,
        limit: None,
        ..query.clone()
    };
    serde_json::to_string(&filters).unwrap_or_default()
}

/// The page as one JSON array in one row, in the sort order: each row of a result is a
/// message from the database thread (a wake-up each), which cost more than the query.
/// Direction and channel are spelled as [`Direction::parse`] and [`Channel::parse`] read them.
fn page_as_json(sort: DocumentSort) -> String {
    format!(
        "SELECT json_group_array(json_object(
           'id', d.id, 'partyId', d.party_id, 'partyName', p.name,
           'direction', CASE d.direction WHEN 'sent' THEN 'sent' ELSE 'received' END,
           'channel', CASE WHEN d.channel IN ('idr', 'econnect', 'peppol') THEN d.channel
             WHEN d.channel IN ('email', 'e-mail', 'mail') THEN 'email' ELSE 'other' END,
           'status', d.status, 'counterpartyId', d.counterparty_id,
           'counterpartyName', d.counterparty_name, 'invoiceNumber', d.invoice_number,
           'issueDate', d.issue_date, 'amount', d.amount, 'currency', d.currency,
           'fileName', d.file_name, 'sha256', d.sha256, 'createdAt', d.created_at,
           'seq', d.seq){})
         FROM documents d JOIN parties p ON p.id = d.party_id",
        order_by(sort)
    )
}

/// The statement that reads one page: keys first (filters, order, offset), then those rows.
fn rows_query<'a>(
    select: String,
    query: &'a DocumentQuery,
    filters: Filters,
    limit: u32,
    anchor: Option<Anchor>,
) -> QueryBuilder<'a, Sqlite> {
    let sort = query.sort.unwrap_or_default();
    let mut rows_q: QueryBuilder<Sqlite> = QueryBuilder::new(select);
    rows_q.push(" WHERE d.seq IN (SELECT d.seq FROM documents d");
    if sort.field == SortField::Organisation {
        rows_q.push(" JOIN parties p ON p.id = d.party_id");
    }
    push_filters(
        &mut rows_q,
        query,
        Filters {
            page: true,
            ..filters
        },
    );
    let mut offset = query.offset;
    if let Some(a) = anchor {
        // Rows after the remembered place, in the sort order (the date order only).
        rows_q
            .push(if sort.descending {
                " AND (d.created_at, d.seq) < ("
            } else {
                " AND (d.created_at, d.seq) > ("
            })
            .push_bind(a.created_at)
            .push(", ")
            .push_bind(a.seq)
            .push(")");
        offset = offset.saturating_sub(a.position);
    }
    rows_q.push(order_by(sort));
    rows_q.push(" LIMIT ").push_bind(i64::from(limit));
    rows_q.push(" OFFSET ").push_bind(i64::from(offset));
    rows_q.push(")");
    rows_q.push(order_by(sort));
    rows_q
}

impl Store {
    /// SQLite's plan for the page and the count of `query` (one line per step), for
    /// benchmarks and support.
    pub async fn explain_documents(
        &self,
        query: &DocumentQuery,
    ) -> Result<Vec<String>, StoreError> {
        let fts = query.search.as_deref().and_then(fts_query);
        let broad = match &fts {
            Some(fts) => {
                let n: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM documents_fts WHERE documents_fts MATCH ?",
                )
                .bind(fts)
                .fetch_one(self.pool())
                .await?;
                n > BROAD_MATCHES
            }
            None => false,
        };
        let from = query.from.as_deref().and_then(timestamp::period_start);
        let to = query.to.as_deref().and_then(timestamp::period_end);
        let filters = Filters {
            fts,
            broad,
            from,
            to,
            page: false,
        };
        let limit = query.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
        let mut lines = Vec::new();
        let mut rows_q = rows_query(
            format!(
                "EXPLAIN QUERY PLAN {}",
                page_as_json(query.sort.unwrap_or_default())
            ),
            query,
            filters.clone(),
            limit,
            None,
        );
        let plan: Vec<(i64, i64, i64, String)> =
            rows_q.build_query_as().fetch_all(self.pool()).await?;
        lines.extend(plan.into_iter().map(|p| format!("page: {}", p.3)));
        let mut count_q: QueryBuilder<Sqlite> =
            QueryBuilder::new(format!("EXPLAIN QUERY PLAN {TOTALS_SELECT}"));
        push_filters(
            &mut count_q,
            query,
            Filters {
                broad: false,
                ..filters
            },
        );
        count_q.push(" GROUP BY d.currency");
        let plan: Vec<(i64, i64, i64, String)> =
            count_q.build_query_as().fetch_all(self.pool()).await?;
        lines.extend(plan.into_iter().map(|p| format!("count: {}", p.3)));
        Ok(lines)
    }

    /// A page of documents matching `query`, and how many match in all.
    ///
    /// The page is chosen on document keys first (an index-only walk for the common sort
    /// orders, so deep offsets stay cheap) and only its rows are then read in full. Totals
    /// are remembered per filter until the next write, so scrolling does not count again.
    pub async fn documents(&self, query: &DocumentQuery) -> Result<DocumentPage, StoreError> {
        let fts = query.search.as_deref().and_then(fts_query);
        let from = match query.from.as_deref().filter(|s| !s.is_empty()) {
            Some(text) => Some(timestamp::period_start(text).ok_or_else(|| {
                StoreError::InvalidInput(format!("from: '{text}' is not a date"))
            })?),
            None => None,
        };
        let to =
            match query.to.as_deref().filter(|s| !s.is_empty()) {
                Some(text) => Some(timestamp::period_end(text).ok_or_else(|| {
                    StoreError::InvalidInput(format!("to: '{text}' is not a date"))
                })?),
                None => None,
            };
        let limit = query.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);

        // One connection for the whole call: each statement is a trip to that connection's
        // worker thread and back, and on a busy machine every trip can wait for a core, so
        // the call makes as few as it can (2 for most pages, at most 3).
        let mut conn = self.pool().acquire().await?;
        let mut matches = None;
        // The change feed's newest id: remembered totals are valid while it is unchanged.
        let mut version: Option<i64> = None;
        if let Some(fts) = &fts {
            // The match count and the feed's id in one statement.
            let (n, v): (i64, Option<i64>) = sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM documents_fts WHERE documents_fts MATCH ?1),
                        (SELECT seq FROM sqlite_sequence WHERE name = 'changes')",
            )
            .bind(fts)
            .fetch_one(&mut *conn)
            .await?;
            version = Some(v.unwrap_or(0));
            if n == 0 {
                return Ok(DocumentPage {
                    rows: Vec::new(),
                    total: 0,
                    totals: Vec::new(),
                    offset: query.offset,
                });
            }
            matches = Some(n);
        }
        let filters = Filters {
            broad: matches.is_some_and(|n| n > BROAD_MATCHES),
            fts,
            from,
            to,
            page: false,
        };

        let sort = query.sort.unwrap_or_default();
        // A deep page of the date order starts from the nearest place read before.
        let anchored = sort.field == SortField::Date && query.offset >= ANCHOR_MIN_OFFSET;
        let mut anchor_key = None;
        if anchored {
            let v = match version {
                Some(v) => v,
                None => feed_version(&mut conn).await?,
            };
            version = Some(v);
            anchor_key = Some((format!("{}|{}", count_key(query), sort.descending), v));
        }
        let anchor = anchor_key
            .as_ref()
            .and_then(|(key, v)| self.anchor_before(key, *v, query.offset));
        let select = page_as_json(sort);
        let mut rows_q = rows_query(select, query, filters.clone(), limit, anchor);
        let json: String = rows_q.build_query_scalar().fetch_one(&mut *conn).await?;
        let rows: Vec<DocumentRow> = serde_json::from_str(&json)
            .map_err(|e| StoreError::InvalidInput(format!("document page: {e}")))?;
        if let Some((key, v)) = &anchor_key {
            let keys: Vec<PageKey> = serde_json::from_str(&json)
                .map_err(|e| StoreError::InvalidInput(format!("document page keys: {e}")))?;
            if let Some(last) = keys.last() {
                self.remember_anchor(
                    key,
                    *v,
                    Anchor {
                        position: query.offset + keys.len() as u32,
                        created_at: last.created_at.clone(),
                        seq: last.seq,
                    },
                );
            }
        }

        let totals = if query.offset == 0 && (rows.len() as u32) < limit {
            // The whole result is on this page: its rows are the totals.
            totals_of(&rows)
        } else {
            let key = count_key(query);
            let version = match version {
                Some(v) => v,
                None => feed_version(&mut conn).await?,
            };
            match self.cached_count(&key, version) {
                Some(t) => t,
                None => {
                    let mut totals_q: QueryBuilder<Sqlite> = QueryBuilder::new(TOTALS_SELECT);
                    // Totals visit every match anyway: driven from the match list (a row
                    // lookup each) instead of probing the list for every document.
                    push_filters(
                        &mut totals_q,
                        query,
                        Filters {
                            broad: false,
                            ..filters
                        },
                    );
                    totals_q.push(" GROUP BY d.currency");
                    let groups = totals_q.build_query_as().fetch_all(&mut *conn).await?;
                    let t = Totals::from_groups(groups);
                    self.remember_count(key, version, t.clone());
                    t
                }
            }
        };
        Ok(DocumentPage {
            rows,
            total: totals.total,
            totals: totals.by_currency,
            offset: query.offset,
        })
    }
}

/// The sort key of a page's row, read from the same JSON as the row.
#[derive(Deserialize)]
struct PageKey {
    seq: i64,
    #[serde(rename = "createdAt")]
    created_at: String,
}

/// The change feed's newest id: remembered totals and places are valid while it is unchanged.
async fn feed_version(conn: &mut sqlx::SqliteConnection) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar::<_, i64>("SELECT seq FROM sqlite_sequence WHERE name = 'changes'")
            .fetch_optional(&mut *conn)
            .await?
            .unwrap_or(0),
    )
}

/// The totals of rows in hand, summed the way the column `amount_cents` is filled.
fn totals_of(rows: &[DocumentRow]) -> Totals {
    let mut groups: Vec<(Option<String>, i64, i64, Option<i64>)> = Vec::new();
    for row in rows {
        let cents = row
            .amount
            .as_deref()
            .and_then(crate::documents::amount_cents);
        let at = match groups.iter().position(|g| g.0 == row.currency) {
            Some(at) => at,
            None => {
                groups.push((row.currency.clone(), 0, 0, None));
                groups.len() - 1
            }
        };
        let g = &mut groups[at];
        g.1 += 1;
        if let Some(c) = cents {
            g.2 += 1;
            g.3 = Some(g.3.unwrap_or(0) + c);
        }
    }
    Totals::from_groups(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_becomes_quoted_prefix_terms() {
        assert_eq!(
            fts_query("INV-2026 mülder").as_deref(),
            Some("\"inv\"* \"2026\"* \"mülder\"*")
        );
        assert_eq!(fts_query("\" * : -"), None);
        assert_eq!(
            fts_query("a OR b").as_deref(),
            Some("\"a\"* \"or\"* \"b\"*"),
            "OR is a word, not an operator"
        );
        assert_eq!(fts_query("a\"b").as_deref(), Some("\"a\"* \"b\"*"));
    }

    #[test]
    fn status_filter_is_case_insensitive() {
        assert_eq!(canonical_status("delivered"), "Delivered");
        assert_eq!(canonical_status("Queued"), "Queued");
    }
}
