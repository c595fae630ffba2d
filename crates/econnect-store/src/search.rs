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

/// Counts and sums a filtered set in one pass, with the range of its currencies: a set in
/// one currency (the usual case) needs nothing more. Grouping by currency instead sorts
/// every matching row first, which cost more than reading them (80,000 rows: ~45 ms).
const TOTALS_ONE_PASS: &str = "SELECT COUNT(*), COUNT(d.currency), MIN(d.currency), \
     MAX(d.currency), COUNT(d.amount_cents), SUM(d.amount_cents)";
/// Counts and sums a filtered set per currency (`GROUP BY` follows): for mixed sets.
const TOTALS_GROUPED: &str =
    "SELECT d.currency, COUNT(*), COUNT(d.amount_cents), SUM(d.amount_cents)";

/// Rows per page when the caller does not say.
pub const DEFAULT_LIMIT: u32 = 100;
/// The most rows one call returns.
pub const MAX_LIMIT: u32 = 1000;

/// What to sort the document list by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum SortField {
    /// The date the list shows: the invoice date, or the created date (received on / sent
    /// on) when there is none; the same day in order of coming in.
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

/// What a user typed, as full-text terms: each word a quoted prefix term, all must match
/// (each in the counterparty's name, the invoice number or the file name). Quoting makes FTS
/// syntax (`OR`, `*`, `"`, `:`…) plain text.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Terms(Vec<String>);

impl Terms {
    /// The terms of `search`; `None` when it holds no word.
    fn parse(search: &str) -> Option<Terms> {
        let terms: Vec<String> = search
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(16)
            .map(|w| format!("\"{}\"*", w.to_lowercase()))
            .collect();
        (!terms.is_empty()).then_some(Terms(terms))
    }

    /// The FTS5 query that all terms match.
    fn all(&self) -> String {
        self.0.join(" ")
    }

    /// The FTS5 query that any term matches.
    fn any(&self) -> String {
        self.0.join(" OR ")
    }
}

/// The FTS5 query for what a user typed: each word becomes a quoted prefix term, all must
/// match. `None` when no word.
pub fn fts_query(search: &str) -> Option<String> {
    Terms::parse(search).map(|t| t.all())
}

/// Documents whose invoice number or file name matches the FTS5 query bound next.
const NUMBER_MATCHES: &str = "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ";
/// The FTS5 query `query` on the invoice number and file name only: the documents' index
/// also holds their organisation (`party_key`), which no search should find.
fn numbers(query: &str) -> String {
    format!("{{invoice_number file_name}} : ({query})")
}

/// The FTS5 query for the documents of one organisation: the token the index holds for it
/// (`'p' || hex(party_id)`, see migration 0722).
fn party_key(party: &str) -> String {
    let hex: String = party.bytes().map(|b| format!("{b:02X}")).collect();
    format!("party_key : \"p{hex}\"")
}

/// The FTS5 query for the documents of `party` that `terms` do not match by number or file
/// name.
fn outside_query(party: &str, terms: &Terms) -> String {
    format!("{} NOT {}", party_key(party), numbers(&terms.all()))
}

/// Counterparty names that match the FTS5 query bound next (a name per summed group).
const NAME_MATCHES: &str = "SELECT counterparty_name FROM counterparty_totals WHERE id IN \
     (SELECT rowid FROM counterparty_totals_fts WHERE counterparty_totals_fts MATCH ";

/// Which documents of a search a statement selects.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Matches {
    /// Every match.
    All,
    /// The matches whose counterparty's name alone does not match every term: the rest of
    /// the totals beside the names' summed groups.
    NotByName,
    /// One term that no name matches: the matches by number or file name are all.
    NumbersOnly,
}

/// The condition that a document matches `terms`: each term is in its counterparty's name or
/// in its number or file name. That is: all terms in number or file name (one full-text
/// query), or the name matches some term and each term is in the name or number/file name.
/// `hidden` keeps SQLite from driving the statement from either list (see [`BROAD_MATCHES`]).
fn push_match(q: &mut QueryBuilder<'_, Sqlite>, terms: &Terms, which: Matches, hidden: bool) {
    let p = if hidden { "+" } else { "" };
    q.push(" AND ((")
        .push(p)
        .push("d.seq IN (")
        .push(NUMBER_MATCHES)
        .push_bind(numbers(&terms.all()))
        .push(")");
    if which == Matches::NotByName {
        q.push(" AND (d.counterparty_name IS NULL OR d.counterparty_name NOT IN (")
            .push(NAME_MATCHES)
            .push_bind(terms.all())
            .push(")))");
    }
    q.push(")");
    if which == Matches::NumbersOnly || (which == Matches::NotByName && terms.0.len() == 1) {
        // One term: a name that matches it matches all.
        q.push(")");
        return;
    }
    q.push(" OR (")
        .push(p)
        .push("d.counterparty_name IN (")
        .push(NAME_MATCHES);
    q.push_bind(terms.any()).push(")");
    if which == Matches::NotByName {
        // Names that match some terms but not all (one summed group per name and filters).
        q.push(" AND id NOT IN (SELECT rowid FROM counterparty_totals_fts WHERE counterparty_totals_fts MATCH ")
            .push_bind(terms.all())
            .push(")");
    }
    q.push(")");
    if terms.0.len() > 1 {
        for term in &terms.0 {
            q.push(" AND (d.counterparty_name IN (")
                .push(NAME_MATCHES)
                .push_bind(term.clone())
                .push(")) OR d.seq IN (")
                .push(NUMBER_MATCHES)
                .push_bind(numbers(term))
                .push("))");
        }
    }
    q.push("))");
}

/// Above this many full-text matches the search drives from the sort order (or another
/// filter) and checks each row against the matches, instead of fetching and sorting them all.
const BROAD_MATCHES: u32 = 1000;

/// The parsed filters of a query, bound into each statement that needs them.
#[derive(Clone)]
struct Filters {
    fts: Option<Terms>,
    /// Many rows match the search: see [`BROAD_MATCHES`].
    broad: bool,
    from: Option<String>,
    to: Option<String>,
    /// Building the page statement (not the count).
    page: bool,
    /// Which matches of the search.
    matches: Matches,
    /// The search matches every document of the organisation but a few (see
    /// [`Totals::outside_party`], a JSON array of seqs): a page leaves those few out
    /// instead of testing each row.
    outside: Option<String>,
    /// The period holds many documents: a date-sorted page walks the date order (see
    /// [`PERIOD_SORT_ROWS`]).
    walk_period: bool,
}

fn push_filters<'a>(q: &mut QueryBuilder<'a, Sqlite>, query: &'a DocumentQuery, f: Filters) {
    q.push(" WHERE 1 = 1");
    let party = party_of(query);
    match (&f.fts, party, &f.outside) {
        (Some(_), Some(_), Some(missed)) if f.page => {
            q.push(" AND d.seq NOT IN (SELECT value FROM json_each(")
                .push_bind(missed.clone())
                .push("))");
        }
        // Hidden when long: see `BROAD_MATCHES`.
        (Some(terms), _, _) => push_match(q, terms, f.matches, f.broad),
        (None, _, _) => {}
    }
    let (from, to) = (f.from, f.to);
    if let Some(party) = party {
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
    // A page of many rows in the period walks the date order and skips the rest (the
    // period read from that order's index); see `PERIOD_SORT_ROWS`.
    let at = if f.page && f.walk_period {
        " AND +d.created_at "
    } else {
        " AND d.created_at "
    };
    if let Some(from) = from {
        q.push(at).push(">= ").push_bind(from);
    }
    if let Some(to) = to {
        q.push(at).push("< ").push_bind(to);
    }
}

/// Up to this many documents in a period, a page sorted by date reads them all through the
/// period's index and sorts them (each a row read: the shown day is not in that index).
/// More, and it walks the date order skipping documents outside the period instead: the
/// period no longer decides the order (the day shown is the invoice date), but the
/// documents of a recent period are near the top of it.
const PERIOD_SORT_ROWS: u32 = 2000;

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
    let dir = if sort.descending { "DESC" } else { "ASC" };
    let column = match sort.field {
        // The day shown (`doc_date`: invoice date, else created date), then the moment it
        // came in: `documents_doc_date` and `documents_party_doc_date` hold this order.
        SortField::Date => {
            return format!(" ORDER BY d.doc_date {dir}, d.created_at {dir}, d.seq {dir}");
        }
        SortField::IssueDate => "d.issue_date",
        SortField::Number => "d.invoice_number",
        SortField::Counterparty => "d.counterparty_name",
        SortField::Amount => "d.amount_cents",
        SortField::Status => "d.status",
        SortField::Organisation => "p.name",
    };
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
           'seq', d.seq, 'docDate', d.doc_date){})
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
            matches: Matches::All,
            ..filters
        },
    );
    let mut offset = query.offset;
    if let Some(a) = anchor {
        // Rows after the remembered place, in the sort order (the date order only).
        rows_q
            .push(if sort.descending {
                " AND (d.doc_date, d.created_at, d.seq) < ("
            } else {
                " AND (d.doc_date, d.created_at, d.seq) > ("
            })
            .push_bind(a.doc_date)
            .push(", ")
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

/// The totals can be added up from the groups summed ahead (`counterparty_totals`): the
/// filters are among the columns those are grouped by (organisation, status, direction,
/// channel; a search through the names).
fn groups_summed(query: &DocumentQuery, filters: &Filters) -> bool {
    filters.from.is_none()
        && filters.to.is_none()
        && query.ids.is_none()
        && query.unanswered != Some(true)
}

/// One currency's figures: currency, documents, documents with an amount, sum in cents.
type Group = (Option<String>, i64, i64, Option<i64>);

/// The totals from the groups summed ahead, per currency: of the filters, and for a search of
/// the counterparty names that match every term.
fn group_totals_query<'a>(
    query: &'a DocumentQuery,
    terms: Option<&Terms>,
    explain: bool,
) -> QueryBuilder<'a, Sqlite> {
    let mut q: QueryBuilder<Sqlite> =
        QueryBuilder::new(if explain { "EXPLAIN QUERY PLAN " } else { "" });
    q.push(
        "SELECT t.currency, SUM(t.docs), SUM(t.with_amount), SUM(t.cents)
         FROM counterparty_totals t WHERE 1 = 1",
    );
    if let Some(terms) = terms {
        q.push(
            " AND t.id IN (SELECT rowid FROM counterparty_totals_fts
               WHERE counterparty_totals_fts MATCH ",
        )
        .push_bind(terms.all())
        .push(")");
    }
    if let Some(party) = party_of(query) {
        q.push(" AND t.party_id = ").push_bind(party);
    }
    if let Some(status) = query.status.as_deref().filter(|s| !s.is_empty()) {
        q.push(" AND t.status = ")
            .push_bind(canonical_status(status));
    }
    if let Some(direction) = query.direction {
        q.push(" AND t.direction = ").push_bind(direction.as_str());
    }
    if let Some(channel) = query.channel {
        q.push(" AND t.channel = ").push_bind(channel.as_str());
    }
    q.push(" GROUP BY t.currency");
    q
}

/// The statement that sums the filtered set (`matches` of a search): `select` starts with
/// [`TOTALS_ONE_PASS`] or (`grouped`) [`TOTALS_GROUPED`].
fn totals_query<'a>(
    select: String,
    grouped: bool,
    query: &'a DocumentQuery,
    filters: Filters,
    matches: Matches,
) -> QueryBuilder<'a, Sqlite> {
    let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(select);
    q.push(" FROM documents d");
    push_filters(
        &mut q,
        query,
        Filters {
            // Totals visit every match anyway: driven from the match lists.
            broad: false,
            matches,
            ..filters
        },
    );
    if grouped {
        q.push(" GROUP BY d.currency");
    }
    q
}

/// The matches of a search to sum beside the groups of the names that match every term
/// (`no_names`: no such name). Documents with such a name are in those groups; the rest
/// match through number or file name. When no name matches one term, names are left out:
/// testing them needs each document's name, which no covering index of the filters holds
/// (a row read per match).
fn rest_matches(terms: &Terms, no_names: bool) -> Matches {
    match (no_names, terms.0.len() == 1) {
        (false, _) => Matches::NotByName,
        (true, true) => Matches::NumbersOnly,
        (true, false) => Matches::All,
    }
}

/// One pass's figures: rows, rows with a currency, lowest and highest currency, rows with
/// an amount, sum.
type OnePass = (i64, i64, Option<String>, Option<String>, i64, Option<i64>);

/// The groups from one pass, or `None` when the set holds more than one currency (or some
/// rows without one next to rows with one).
fn one_pass_groups(pass: OnePass) -> Option<Vec<Group>> {
    let (count, with_currency, low, high, with_amount, cents) = pass;
    let currency = if count == 0 {
        return Some(Vec::new());
    } else if with_currency == 0 {
        None
    } else if with_currency == count && low == high {
        low
    } else {
        return None;
    };
    Some(vec![(currency, count, with_amount, cents)])
}

/// `all` without `missed` (a subset of it), per currency; currencies left empty go.
fn subtract_groups(all: Vec<Group>, missed: Vec<Group>) -> Vec<Group> {
    let mut left = all;
    for (currency, count, with_amount, cents) in missed {
        if let Some(g) = left.iter_mut().find(|g| g.0 == currency) {
            g.1 -= count;
            g.2 -= with_amount;
            g.3 = Some(g.3.unwrap_or(0) - cents.unwrap_or(0));
        }
    }
    left.retain(|g| g.1 > 0);
    left
}

/// Groups of the same currency added up (the names' groups and the other matches').
fn merge_groups(groups: Vec<Group>) -> Vec<Group> {
    let mut merged: Vec<Group> = Vec::new();
    for (currency, count, with_amount, cents) in groups {
        match merged.iter_mut().find(|g| g.0 == currency) {
            Some(g) => {
                g.1 += count;
                g.2 += with_amount;
                g.3 = match (g.3, cents) {
                    (None, None) => None,
                    (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
                };
            }
            None => merged.push((currency, count, with_amount, cents)),
        }
    }
    merged
}

impl Store {
    /// The totals of the filtered set, read from the database (not remembered).
    async fn read_totals(
        conn: &mut sqlx::SqliteConnection,
        query: &DocumentQuery,
        filters: Filters,
    ) -> Result<Totals, StoreError> {
        let mut groups: Vec<Group> = Vec::new();
        let mut matches = Matches::All;
        if groups_summed(query, &filters) {
            groups = group_totals_query(query, filters.fts.as_ref(), false)
                .build_query_as()
                .fetch_all(&mut *conn)
                .await?;
            if filters.fts.is_none() {
                return Ok(Totals::from_groups(groups));
            }
            if let Some(terms) = &filters.fts {
                matches = rest_matches(terms, groups.is_empty());
                let party = party_of(query);
                if let (Matches::NumbersOnly, Some(party)) = (matches, party)
                    && let Some(t) = Self::totals_outside(conn, query, party, terms).await?
                {
                    return Ok(t);
                }
            }
        }
        let pass: OnePass = totals_query(
            TOTALS_ONE_PASS.into(),
            false,
            query,
            filters.clone(),
            matches,
        )
        .build_query_as()
        .fetch_one(&mut *conn)
        .await?;
        match one_pass_groups(pass) {
            Some(rest) => groups.extend(rest),
            None => {
                let rest: Vec<Group> =
                    totals_query(TOTALS_GROUPED.into(), true, query, filters, matches)
                        .build_query_as()
                        .fetch_all(&mut *conn)
                        .await?;
                groups.extend(rest);
            }
        }
        Ok(Totals::from_groups(merge_groups(groups)))
    }

    /// The totals of one word that matches no name but (nearly) every document of `party`
    /// by number or file name: the party's summed groups minus the documents the word does
    /// not match, which the full-text index lists without reading a row. `None` when reading
    /// the matches is cheaper (they are not most of the organisation's documents).
    async fn totals_outside(
        conn: &mut sqlx::SqliteConnection,
        query: &DocumentQuery,
        party: &str,
        terms: &Terms,
    ) -> Result<Option<Totals>, StoreError> {
        let party_docs: i64 = sqlx::query_scalar(
            "SELECT IFNULL(SUM(docs), 0) FROM counterparty_totals WHERE party_id = ?",
        )
        .bind(party)
        .fetch_one(&mut *conn)
        .await?;
        // The documents the word misses, as long as they are fewer than it matches (and few
        // enough to hand to the page as a list): the index stops listing past that.
        let cap = (party_docs / 2).min(i64::from(MAX_OUTSIDE));
        let listed: String = sqlx::query_scalar(
            "SELECT json_group_array(rowid) FROM
               (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ? LIMIT ?)",
        )
        .bind(outside_query(party, terms))
        .bind(cap + 1)
        .fetch_one(&mut *conn)
        .await?;
        let missed_seqs: Vec<i64> = serde_json::from_str(&listed)
            .map_err(|e| StoreError::InvalidInput(format!("missed documents: {e}")))?;
        if missed_seqs.len() as i64 > cap {
            return Ok(None);
        }
        let all: Vec<Group> = group_totals_query(query, None, false)
            .build_query_as()
            .fetch_all(&mut *conn)
            .await?;
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(TOTALS_GROUPED);
        q.push(" FROM documents d");
        push_filters(
            &mut q,
            query,
            Filters {
                fts: None,
                broad: false,
                from: None,
                to: None,
                page: false,
                matches: Matches::All,
                outside: None,
                walk_period: false,
            },
        );
        q.push(" AND d.seq IN (SELECT value FROM json_each(")
            .push_bind(listed.clone())
            .push(")) GROUP BY d.currency");
        let missed: Vec<Group> = q.build_query_as().fetch_all(&mut *conn).await?;
        let mut totals = Totals::from_groups(subtract_groups(all, missed));
        totals.outside_party = Some(listed);
        Ok(Some(totals))
    }

    /// SQLite's plan for the page and the count of `query` (one line per step), for
    /// benchmarks and support.
    pub async fn explain_documents(
        &self,
        query: &DocumentQuery,
    ) -> Result<Vec<String>, StoreError> {
        let fts = query.search.as_deref().and_then(Terms::parse);
        let from = query.from.as_deref().and_then(timestamp::period_start);
        let to = query.to.as_deref().and_then(timestamp::period_end);
        let mut filters = Filters {
            fts,
            broad: false,
            from,
            to,
            page: false,
            matches: Matches::All,
            outside: None,
            walk_period: false,
        };
        let mut conn = self.pool().acquire().await?;
        let mut lines = Vec::new();
        if filters.fts.is_some() {
            let totals = Self::read_totals(&mut conn, query, filters.clone()).await?;
            filters.broad = totals.total > BROAD_MATCHES;
            filters.outside = totals.outside_party.clone();
        }
        let summed = groups_summed(query, &filters);
        if summed {
            let plan: Vec<(i64, i64, i64, String)> =
                group_totals_query(query, filters.fts.as_ref(), true)
                    .build_query_as()
                    .fetch_all(&mut *conn)
                    .await?;
            lines.extend(plan.into_iter().map(|p| format!("groups: {}", p.3)));
        }
        let limit = query.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
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
            rows_q.build_query_as().fetch_all(&mut *conn).await?;
        lines.extend(plan.into_iter().map(|p| format!("page: {}", p.3)));
        if !summed || filters.fts.is_some() {
            let mut matches = Matches::All;
            if let Some(terms) = filters.fts.as_ref().filter(|_| summed) {
                let groups: Vec<Group> = group_totals_query(query, Some(terms), false)
                    .build_query_as()
                    .fetch_all(&mut *conn)
                    .await?;
                matches = rest_matches(terms, groups.is_empty());
            }
            let mut count_q = totals_query(
                format!("EXPLAIN QUERY PLAN {TOTALS_ONE_PASS}"),
                false,
                query,
                filters,
                matches,
            );
            let plan: Vec<(i64, i64, i64, String)> =
                count_q.build_query_as().fetch_all(&mut *conn).await?;
            lines.extend(plan.into_iter().map(|p| format!("count: {}", p.3)));
        }
        Ok(lines)
    }

    /// A page of documents matching `query`, and how many match in all.
    ///
    /// The page is chosen on document keys first (an index-only walk for the common sort
    /// orders, so deep offsets stay cheap) and only its rows are then read in full. Totals
    /// are remembered per filter until the next write, so scrolling does not count again.
    pub async fn documents(&self, query: &DocumentQuery) -> Result<DocumentPage, StoreError> {
        let fts = query.search.as_deref().and_then(Terms::parse);
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
        let mut filters = Filters {
            broad: false,
            fts,
            from,
            to,
            page: false,
            matches: Matches::All,
            outside: None,
            walk_period: false,
        };

        // One connection for the whole call: each statement is a trip to that connection's
        // worker thread and back, and on a busy machine every trip can wait for a core, so
        // the call makes as few as it can (2 for most pages, at most 4).
        let mut conn = self.pool().acquire().await?;
        // The change feed's newest id: remembered totals are valid while it is unchanged.
        let mut version: Option<i64> = None;
        let mut totals: Option<Totals> = None;
        if filters.fts.is_some() {
            // A search's totals come first: cheap through the names' summed groups, and
            // their count decides how the page is read.
            let v = known_version(&mut conn, &mut version).await?;
            let t = self.totals(&mut conn, query, filters.clone(), v).await?;
            if t.total == 0 {
                return Ok(DocumentPage {
                    rows: Vec::new(),
                    total: 0,
                    totals: Vec::new(),
                    offset: query.offset,
                });
            }
            filters.broad = t.total > BROAD_MATCHES;
            filters.outside = t.outside_party.clone();
            totals = Some(t);
        }

        let sort = query.sort.unwrap_or_default();
        if sort.field == SortField::Date && (filters.from.is_some() || filters.to.is_some()) {
            // How many documents the period holds decides how its page is read; the
            // count walks one covering index over the period.
            let t = match totals.take() {
                Some(t) => t,
                None => {
                    let v = known_version(&mut conn, &mut version).await?;
                    self.totals(&mut conn, query, filters.clone(), v).await?
                }
            };
            filters.walk_period = t.total > PERIOD_SORT_ROWS;
            totals = Some(t);
        }
        // A deep page of the date order starts from the nearest place read before.
        let anchored = sort.field == SortField::Date && query.offset >= ANCHOR_MIN_OFFSET;
        let mut anchor_key = None;
        if anchored {
            let v = known_version(&mut conn, &mut version).await?;
            anchor_key = Some((format!("{}|{}", count_key(query), sort.descending), v));
        }
        let mut anchor = anchor_key
            .as_ref()
            .and_then(|(key, v)| self.anchor_before(key, *v, query.offset));
        if let Some((key, v)) = &anchor_key {
            let gap = query.offset - anchor.as_ref().map_or(0, |a| a.position);
            if gap >= LADDER_MIN_GAP {
                // Far from any place read before: mark every `LADDER_STEP`-th place from the
                // nearest one to the end of the list in one walk, so this page and any later
                // one of this filter start at most a step before their offset.
                self.build_ladder(&mut conn, query, &filters, anchor.clone(), key, *v)
                    .await?;
                anchor = self.anchor_before(key, *v, query.offset);
            }
        }
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
                        doc_date: last.doc_date.clone(),
                        created_at: last.created_at.clone(),
                        seq: last.seq,
                    },
                );
            }
        }

        let totals = match totals {
            Some(t) => t,
            // The whole result is on this page: its rows are the totals.
            None if query.offset == 0 && (rows.len() as u32) < limit => totals_of(&rows),
            None => {
                let v = known_version(&mut conn, &mut version).await?;
                self.totals(&mut conn, query, filters, v).await?
            }
        };
        Ok(DocumentPage {
            rows,
            total: totals.total,
            totals: totals.by_currency,
            offset: query.offset,
        })
    }

    /// Remembers every [`LADDER_STEP`]-th place of the date-sorted list of `query` after
    /// `from` (or the top), to its end: one walk over the keys in index order, each step
    /// continuing from the last (a full walk of a million keys: ~60 ms, once per filter
    /// until the next write).
    async fn build_ladder(
        &self,
        conn: &mut sqlx::SqliteConnection,
        query: &DocumentQuery,
        filters: &Filters,
        from: Option<Anchor>,
        key: &str,
        version: i64,
    ) -> Result<(), StoreError> {
        let sort = query.sort.unwrap_or_default();
        let (cmp, base) = (
            if sort.descending { "<" } else { ">" },
            from.as_ref().map_or(0, |a| a.position),
        );
        let page_filters = Filters {
            page: true,
            matches: Matches::All,
            ..filters.clone()
        };
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("WITH RECURSIVE rung(n, seq, doc_date, created_at) AS (");
        match &from {
            Some(a) => {
                q.push("SELECT 0, ")
                    .push_bind(a.seq)
                    .push(", ")
                    .push_bind(a.doc_date.clone())
                    .push(", ")
                    .push_bind(a.created_at.clone());
            }
            None => {
                q.push(
                    "SELECT 1, x.seq, x.doc_date, x.created_at FROM documents x
                     WHERE x.seq = (SELECT d.seq FROM documents d",
                );
                push_filters(&mut q, query, page_filters.clone());
                q.push(order_by(sort))
                    .push(" LIMIT 1 OFFSET ")
                    .push_bind(i64::from(LADDER_STEP - 1))
                    .push(")");
            }
        }
        q.push(
            " UNION ALL SELECT r.n + 1, x.seq, x.doc_date, x.created_at FROM rung r
              JOIN documents x ON x.seq = (SELECT d.seq FROM documents d",
        );
        push_filters(&mut q, query, page_filters);
        q.push(format!(
            " AND (d.doc_date, d.created_at, d.seq) {cmp} (r.doc_date, r.created_at, r.seq)"
        ));
        q.push(order_by(sort))
            .push(" LIMIT 1 OFFSET ")
            .push_bind(i64::from(LADDER_STEP - 1))
            .push(") WHERE r.n < ")
            .push_bind(i64::from(LADDER_RUNGS))
            .push(
                ") SELECT json_group_array(json_array(n, doc_date, created_at, seq))
                 FROM rung WHERE n > 0",
            );
        let json: String = q.build_query_scalar().fetch_one(&mut *conn).await?;
        let rungs: Vec<(u32, String, String, i64)> = serde_json::from_str(&json)
            .map_err(|e| StoreError::InvalidInput(format!("document places: {e}")))?;
        for (n, doc_date, created_at, seq) in rungs {
            self.remember_anchor(
                key,
                version,
                Anchor {
                    position: base + n * LADDER_STEP,
                    doc_date,
                    created_at,
                    seq,
                },
            );
        }
        Ok(())
    }

    /// The totals of the filtered set: remembered while the feed's newest id is `version`.
    async fn totals(
        &self,
        conn: &mut sqlx::SqliteConnection,
        query: &DocumentQuery,
        filters: Filters,
        version: i64,
    ) -> Result<Totals, StoreError> {
        let key = count_key(query);
        if let Some(t) = self.cached_count(&key, version) {
            return Ok(t);
        }
        let t = Self::read_totals(conn, query, filters).await?;
        self.remember_count(key, version, t.clone());
        Ok(t)
    }
}

/// The most documents of an organisation a search may miss to be summed as the
/// organisation minus them ([`Store::totals_outside`]).
const MAX_OUTSIDE: u32 = 5000;

/// Rows between two places of the date order that [`Store::build_ladder`] remembers.
const LADDER_STEP: u32 = 1000;
/// A page this many rows or more past the nearest remembered place builds a ladder; a
/// shorter walk (one organisation's list, mostly) costs less than marking the whole list.
const LADDER_MIN_GAP: u32 = 20 * LADDER_STEP;
/// Places one ladder marks at most (3 million rows), within the anchors kept per filter.
const LADDER_RUNGS: u32 = 3000;

/// The sort key of a page's row, read from the same JSON as the row.
#[derive(Deserialize)]
struct PageKey {
    seq: i64,
    #[serde(rename = "docDate")]
    doc_date: String,
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

/// The change feed's newest id, read at most once per call: `known` keeps it for the
/// statements after the first that needs it.
async fn known_version(
    conn: &mut sqlx::SqliteConnection,
    known: &mut Option<i64>,
) -> Result<i64, StoreError> {
    if let Some(v) = *known {
        return Ok(v);
    }
    let v = feed_version(conn).await?;
    *known = Some(v);
    Ok(v)
}

/// The organisation a query is limited to (an empty one is none).
fn party_of(query: &DocumentQuery) -> Option<&str> {
    query.party.as_deref().filter(|p| !p.is_empty())
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
