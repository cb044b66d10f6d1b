//! The dashboard's running counts: what one letter adds to the report
//! rollups, so a step's transaction can add the difference its change makes
//! (the letter's contribution after, minus before) and a report over a year
//! of the province reads a few thousand counters instead of a million
//! letters.
//!
//! A letter counts in the province's rollups and in those of every agency it
//! has been at (the agency's scope, as the letters list has it), except
//! agencies that only got a copy (for information, not their work). Counter
//! offices read their own letters directly: an office's year is a few
//! thousand letters, so its dashboard stays cheap without rollups.
//!
//! Kept per rollup row:
//! - **days**: per Tehran day, letters registered that day by their status
//!   now, and answers given that day (kind [`ANSWERED`]);
//! - **months**: per month, letters registered in it by their status now
//!   (the day rows' sum, so a year of statuses is a dozen rows per status
//!   and the days of its ends, [`cover`]);
//! - **offices**: registrations per counter office, per day and per month;
//! - **answers**: per answering agency, per day and per month: how many, how
//!   many by the due date, and a histogram of answer times in
//!   [`answer_bucket`](crate::reports::answer_bucket)s (for exact medians);
//! - **backlog**: open letters per holding agency and due day (the UTC day
//!   of the letter's due date, [`due_day`]): a report counts as overdue the
//!   rows of the days before today, and reads only the letters due earlier
//!   today; the hourly job folds the rows of days long past into one
//!   ([`LONG_OVERDUE`]), so the rows stay as many as the days ahead.
//!
//! Each count is one row. (The tables' `shard` column is always 0 now: the
//! day and backlog counts were once split over rows so that concurrent
//! registrations on PostgreSQL did not queue on one row lock; since they
//! are added by one fold for many steps, `db::rollups::fold_pending`, the
//! split only made a dashboard sum four times the rows.)
//!
//! Beside them, and written with them, the inbox's **new** count: an
//! agency's open deliveries not yet acknowledged, split over [`SHARDS`] rows
//! by delivery id. It follows deliveries, not letters
//! ([`Rollup::new_in_inbox`]), so it is not part of a letter's contribution.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use crate::reports::{answer_bucket, tehran_day};
use crate::workflow::Status;

/// The kind of the day counter of answers given (other kinds are statuses).
pub const ANSWERED: &str = "answered_on";

/// Rows an inbox's count of new deliveries is split over on PostgreSQL,
/// where every step adds to it in its own transaction.
pub const SHARDS: i32 = 4;

/// The first day that still takes registrations: today and yesterday in
/// Tehran, so a registration a moment after midnight, or a clock a little
/// behind, still finds its day open.
pub fn hot_since(now: DateTime<Utc>) -> NaiveDate {
    tehran_day(now) - Duration::days(1)
}

/// Whose figures a rollup row counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RollupScope {
    Province,
    Agency(i32),
}

impl RollupScope {
    /// As stored: (`scope_kind`, `scope_id`).
    pub fn columns(self) -> (i16, i32) {
        match self {
            RollupScope::Province => (0, 0),
            RollupScope::Agency(id) => (1, id),
        }
    }
}

/// Day rows, or month rows (keyed by the month's first day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Grain {
    Day,
    Month,
}

impl Grain {
    pub fn column(self) -> i16 {
        match self {
            Grain::Day => 0,
            Grain::Month => 1,
        }
    }

    fn period(self, day: NaiveDate) -> NaiveDate {
        match self {
            Grain::Day => day,
            Grain::Month => month_of(day),
        }
    }
}

fn month_of(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// A letter as the rollups see it.
#[derive(Debug, Clone, PartialEq)]
pub struct LetterFacts {
    pub letter_id: i32,
    pub created_at: DateTime<Utc>,
    pub counter_office_id: i32,
    pub status: Status,
    pub holder_agency_id: i32,
    /// When the holder's answer is due (none: no deadline).
    pub due_at: Option<DateTime<Utc>>,
    /// Every agency the letter has been at, each once.
    pub agencies: Vec<i32>,
    pub answer: Option<AnswerFacts>,
}

/// How a letter was answered.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerFacts {
    pub agency_id: i32,
    pub answered_at: DateTime<Utc>,
    /// By the due date of the answering agency's delivery.
    pub on_time: bool,
}

impl LetterFacts {
    fn scopes(&self) -> Vec<RollupScope> {
        let mut agencies = self.agencies.clone();
        agencies.sort_unstable();
        agencies.dedup();
        std::iter::once(RollupScope::Province)
            .chain(agencies.into_iter().map(RollupScope::Agency))
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DayKey {
    pub scope: RollupScope,
    pub day: NaiveDate,
    /// A status name, or [`ANSWERED`].
    pub kind: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OfficeKey {
    pub scope: RollupScope,
    pub grain: Grain,
    pub period: NaiveDate,
    pub counter_office_id: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AnswerKey {
    pub scope: RollupScope,
    pub grain: Grain,
    pub period: NaiveDate,
    pub agency_id: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BacklogKey {
    pub scope: RollupScope,
    pub holder_agency_id: i32,
    /// [`due_day`] of the letters counted.
    pub due_day: NaiveDate,
}

/// The due day of open letters that have no deadline: never overdue.
pub const NEVER_DUE: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(day) => day,
    None => NaiveDate::MAX,
};

/// The due day the hourly job folds the backlog rows of days long past into
/// ([`fold_past_dues_before`]): every letter on it is overdue.
pub const LONG_OVERDUE: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(day) => day,
    None => NaiveDate::MIN,
};

/// The backlog row of an open letter due at `due`: the UTC day of its due
/// date, so a report knows every letter of a day before today's is overdue
/// and reads only those due from today's UTC midnight to now.
pub fn due_day(due: Option<DateTime<Utc>>) -> NaiveDate {
    due.map_or(NEVER_DUE, |due| due.date_naive())
}

/// The first due day the hourly job keeps as it is: rows of earlier days
/// are all overdue (they are before today by a day's margin for a job
/// that runs late), so they are folded into [`LONG_OVERDUE`].
pub fn fold_past_dues_before(now: DateTime<Utc>) -> NaiveDate {
    now.date_naive() - Duration::days(1)
}

/// One row of an agency's count of new deliveries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InboxKey {
    pub agency_id: i32,
    pub shard: i32,
}

/// One answers row: counts and a histogram of answer times (tenths of an
/// hour → answers).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AnswerCounts {
    pub answered: i64,
    pub on_time: i64,
    pub hours: BTreeMap<u32, i64>,
}

impl AnswerCounts {
    /// Adds `other` (which may subtract), dropping emptied histogram bins.
    pub fn merge(&mut self, other: &AnswerCounts) {
        self.answered += other.answered;
        self.on_time += other.on_time;
        for (bucket, n) in &other.hours {
            let entry = self.hours.entry(*bucket).or_default();
            *entry += n;
            if *entry == 0 {
                self.hours.remove(bucket);
            }
        }
    }

    fn is_zero(&self) -> bool {
        self.answered == 0 && self.on_time == 0 && self.hours.is_empty()
    }

    /// The histogram as stored: (tenths: u32 LE, answers: u32 LE) pairs.
    pub fn encode_hours(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(self.hours.len() * 8);
        for (bucket, n) in &self.hours {
            bytes.extend_from_slice(&bucket.to_le_bytes());
            let n = u32::try_from((*n).max(0)).unwrap_or(u32::MAX);
            bytes.extend_from_slice(&n.to_le_bytes());
        }
        bytes
    }

    /// Reads [`Self::encode_hours`]' bytes (a torn tail is ignored).
    pub fn decode_hours(bytes: &[u8]) -> BTreeMap<u32, i64> {
        stored_pairs(bytes).collect()
    }
}

/// The (bucket, answers) pairs of a stored histogram, in stored order.
fn stored_pairs(bytes: &[u8]) -> impl Iterator<Item = (u32, i64)> + '_ {
    bytes.chunks_exact(8).map(|pair| {
        let bucket = u32::from_le_bytes([pair[0], pair[1], pair[2], pair[3]]);
        let n = u32::from_le_bytes([pair[4], pair[5], pair[6], pair[7]]);
        (bucket, i64::from(n))
    })
}

/// Answers rows summed for a report. The histogram is a dense array (a
/// slot per tenth of an hour below ten hours, per hour above), so adding a
/// stored row is one pass over its bytes: a year of an agency is a dozen
/// month rows of a few hundred buckets each, and a tree insert per bucket
/// was most of the dashboard's time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AnswerSum {
    pub answered: i64,
    pub on_time: i64,
    slots: Vec<i64>,
    /// Buckets of no slot (never written by [`bucket_tenths`]; kept, not lost).
    odd: BTreeMap<u32, i64>,
}

/// Tenths below ten hours, whole hours (in tenths) above.
const FINE_TENTHS: u32 = 100;

fn slot_of(bucket: u32) -> Option<usize> {
    let slot = if bucket < FINE_TENTHS {
        bucket
    } else if bucket.is_multiple_of(10) {
        FINE_TENTHS + (bucket - FINE_TENTHS) / 10
    } else {
        return None;
    };
    usize::try_from(slot).ok()
}

fn bucket_of(slot: usize) -> u32 {
    let slot = u32::try_from(slot).unwrap_or(u32::MAX);
    if slot < FINE_TENTHS {
        slot
    } else {
        FINE_TENTHS + (slot - FINE_TENTHS) * 10
    }
}

impl AnswerSum {
    /// Adds one stored row (`hours` as [`AnswerCounts::encode_hours`] wrote
    /// it) `sign` times: 1 to add it, -1 to take a day out of its month.
    pub fn add_row(&mut self, sign: i64, answered: i64, on_time: i64, hours: &[u8]) {
        self.answered += sign * answered;
        self.on_time += sign * on_time;
        for (bucket, n) in stored_pairs(hours) {
            let n = sign * n;
            match slot_of(bucket) {
                Some(slot) => {
                    if slot >= self.slots.len() {
                        self.slots.resize(slot + 1, 0);
                    }
                    self.slots[slot] += n;
                }
                None => *self.odd.entry(bucket).or_default() += n,
            }
        }
    }

    /// The histogram: (tenths of an hour, answers), ascending, without empty buckets.
    pub fn hours(&self) -> Vec<(u32, i64)> {
        let mut hours: Vec<(u32, i64)> = self
            .slots
            .iter()
            .enumerate()
            .filter(|(_, n)| **n != 0)
            .map(|(slot, n)| (bucket_of(slot), *n))
            .collect();
        if !self.odd.is_empty() {
            hours.extend(
                self.odd
                    .iter()
                    .filter(|(_, n)| **n != 0)
                    .map(|(b, n)| (*b, *n)),
            );
            hours.sort_unstable_by_key(|(bucket, _)| *bucket);
        }
        hours
    }
}

/// Changes to the rollups (or, summed over every letter, their content).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rollup {
    pub days: BTreeMap<DayKey, i64>,
    /// Statuses per month: keyed as days, `day` the month's first.
    pub months: BTreeMap<DayKey, i64>,
    pub offices: BTreeMap<OfficeKey, i64>,
    pub answers: BTreeMap<AnswerKey, AnswerCounts>,
    pub backlog: BTreeMap<BacklogKey, i64>,
    pub inbox: BTreeMap<InboxKey, i64>,
}

/// The answer time bucket of a letter, in tenths of an hour.
fn bucket_tenths(created: DateTime<Utc>, answered: DateTime<Utc>) -> u32 {
    let hours = (answered - created).num_seconds() as f64 / 3600.0;
    (answer_bucket(hours) * 10.0).round().max(0.0) as u32
}

impl Rollup {
    /// What a step that turned `before` into `after` changes (`None` before
    /// a registration).
    pub fn change(before: Option<&LetterFacts>, after: &LetterFacts) -> Rollup {
        let mut rollup = Rollup::default();
        if let Some(before) = before {
            rollup.add(before, -1);
        }
        rollup.add(after, 1);
        rollup.prune();
        rollup
    }

    /// A delivery entering (`sign` 1) or leaving (-1) the new ones of
    /// `agency_id`'s inbox: delivered, or acknowledged or closed unacknowledged.
    pub fn new_in_inbox(agency_id: i32, delivery_id: i32, sign: i64) -> Rollup {
        let key = InboxKey {
            agency_id,
            shard: delivery_id.rem_euclid(SHARDS),
        };
        Rollup {
            inbox: BTreeMap::from([(key, sign)]),
            ..Rollup::default()
        }
    }

    /// Adds (`sign` 1) or removes (-1) one letter's contribution.
    pub fn add(&mut self, letter: &LetterFacts, sign: i64) {
        let registered = tehran_day(letter.created_at);
        for scope in letter.scopes() {
            let status = DayKey {
                scope,
                day: registered,
                kind: letter.status.as_str(),
            };
            *self.days.entry(status).or_default() += sign;
            let month = DayKey {
                day: month_of(registered),
                ..status
            };
            *self.months.entry(month).or_default() += sign;
            for grain in [Grain::Day, Grain::Month] {
                *self
                    .offices
                    .entry(OfficeKey {
                        scope,
                        grain,
                        period: grain.period(registered),
                        counter_office_id: letter.counter_office_id,
                    })
                    .or_default() += sign;
            }
            if letter.status.awaits_agency() {
                *self
                    .backlog
                    .entry(BacklogKey {
                        scope,
                        holder_agency_id: letter.holder_agency_id,
                        due_day: due_day(letter.due_at),
                    })
                    .or_default() += sign;
            }
            if let Some(answer) = &letter.answer {
                let day = tehran_day(answer.answered_at);
                *self
                    .days
                    .entry(DayKey {
                        scope,
                        day,
                        kind: ANSWERED,
                    })
                    .or_default() += sign;
                let counts = AnswerCounts {
                    answered: sign,
                    on_time: if answer.on_time { sign } else { 0 },
                    hours: BTreeMap::from([(
                        bucket_tenths(letter.created_at, answer.answered_at),
                        sign,
                    )]),
                };
                for grain in [Grain::Day, Grain::Month] {
                    self.answers
                        .entry(AnswerKey {
                            scope,
                            grain,
                            period: grain.period(day),
                            agency_id: answer.agency_id,
                        })
                        .or_default()
                        .merge(&counts);
                }
            }
        }
    }

    /// Adds another rollup to this one.
    pub fn merge(&mut self, other: Rollup) {
        for (k, n) in other.days {
            *self.days.entry(k).or_default() += n;
        }
        for (k, n) in other.months {
            *self.months.entry(k).or_default() += n;
        }
        for (k, n) in other.offices {
            *self.offices.entry(k).or_default() += n;
        }
        for (k, n) in other.backlog {
            *self.backlog.entry(k).or_default() += n;
        }
        for (k, n) in other.inbox {
            *self.inbox.entry(k).or_default() += n;
        }
        for (k, counts) in other.answers {
            self.answers.entry(k).or_default().merge(&counts);
        }
    }

    /// The same counts with each inbox's new count over `shards` rows
    /// instead of [`SHARDS`]: a database with one writer has no row lock to
    /// spread them for.
    pub fn in_shards(mut self, shards: i32) -> Rollup {
        if shards >= SHARDS {
            return self;
        }
        let shards = shards.max(1);
        let inbox = std::mem::take(&mut self.inbox);
        for (mut key, n) in inbox {
            key.shard = key.shard.rem_euclid(shards);
            *self.inbox.entry(key).or_default() += n;
        }
        self.prune();
        self
    }

    /// The same counts with the backlog rows of due days before `before`
    /// on [`LONG_OVERDUE`], as the hourly job folds them
    /// ([`fold_past_dues_before`]).
    pub fn fold_dues(mut self, before: NaiveDate) -> Rollup {
        let backlog = std::mem::take(&mut self.backlog);
        for (mut key, n) in backlog {
            if key.due_day < before {
                key.due_day = LONG_OVERDUE;
            }
            *self.backlog.entry(key).or_default() += n;
        }
        self.prune();
        self
    }

    /// The agencies whose registrations of days before `today` this change
    /// alters. Only a referral does: it brings a letter into the new
    /// agency's figures on the day the letter was registered. (Any other
    /// step moves a letter between statuses of its day, never between days
    /// or offices.) A dashboard that kept an agency's sum of past days sums
    /// them again when their count of such arrivals moves (`db::reports`).
    pub fn late_arrivals(&self, today: NaiveDate) -> BTreeSet<i32> {
        self.offices
            .iter()
            .filter(|(k, n)| **n != 0 && k.grain == Grain::Day && k.period < today)
            .filter_map(|(k, _)| match k.scope {
                RollupScope::Agency(agency) => Some(agency),
                RollupScope::Province => None,
            })
            .collect()
    }

    /// Drops the counters a change leaves as they were.
    pub fn prune(&mut self) {
        self.days.retain(|_, n| *n != 0);
        self.months.retain(|_, n| *n != 0);
        self.offices.retain(|_, n| *n != 0);
        self.backlog.retain(|_, n| *n != 0);
        self.inbox.retain(|_, n| *n != 0);
        self.answers.retain(|_, c| !c.is_zero());
    }

    pub fn is_empty(&self) -> bool {
        self.days.is_empty()
            && self.months.is_empty()
            && self.offices.is_empty()
            && self.answers.is_empty()
            && self.backlog.is_empty()
            && self.inbox.is_empty()
    }
}

/// How a report period `from..=to` is read from rows of both grains with
/// as few rows as it can: whole calendar months from month rows; a month
/// the period covers only in part, from the day rows of the days it covers,
/// or, when it covers most of the month, from the month's row less the day
/// rows of the days it leaves out (a month row is the sum of its day rows:
/// each step adds to both in one transaction). A year ending on the 2nd is
/// then 12 month rows and 3 day rows, not 11 and 32.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cover {
    /// Ranges of months to add (their first days, inclusive).
    pub months: Vec<(NaiveDate, NaiveDate)>,
    /// Ranges of days (inclusive) to add.
    pub days: Vec<(NaiveDate, NaiveDate)>,
    /// Ranges of days (inclusive) to take away from the months added.
    pub less_days: Vec<(NaiveDate, NaiveDate)>,
}

pub fn cover(from: NaiveDate, to: NaiveDate) -> Cover {
    let mut c = Cover::default();
    let mut month = month_of(from);
    while month <= to {
        let after = next_month(month);
        let last = after - Duration::days(1);
        let (first_in, last_in) = (from.max(month), to.min(last));
        let inside = (last_in - first_in).num_days() + 1;
        let outside = (last - month).num_days() + 1 - inside;
        // Rows read either way: a day row per day, or one month row and a day row per day left out.
        if outside > 0 && inside <= 1 + outside {
            extend(&mut c.days, first_in, last_in, |d| d + Duration::days(1));
        } else {
            extend(&mut c.months, month, month, next_month);
            if first_in > month {
                extend(&mut c.less_days, month, first_in - Duration::days(1), |d| {
                    d + Duration::days(1)
                });
            }
            if last_in < last {
                extend(&mut c.less_days, last_in + Duration::days(1), last, |d| {
                    d + Duration::days(1)
                });
            }
        }
        month = after;
    }
    c
}

/// Adds `first..=last` to `ranges`, joining it to the last range when it
/// follows on (`next` of that range's end).
fn extend(
    ranges: &mut Vec<(NaiveDate, NaiveDate)>,
    first: NaiveDate,
    last: NaiveDate,
    next: impl Fn(NaiveDate) -> NaiveDate,
) {
    match ranges.last_mut() {
        Some((_, end)) if next(*end) == first => *end = last,
        _ => ranges.push((first, last)),
    }
}

fn next_month(day: NaiveDate) -> NaiveDate {
    let first = month_of(day);
    (first + Duration::days(32)).with_day(1).unwrap_or(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid")
    }

    fn letter(status: Status, agencies: Vec<i32>) -> LetterFacts {
        LetterFacts {
            letter_id: 7,
            created_at: Utc
                .with_ymd_and_hms(2026, 11, 27, 6, 0, 0)
                .single()
                .expect("valid"),
            counter_office_id: 3,
            status,
            holder_agency_id: *agencies.last().expect("an agency"),
            due_at: Utc.with_ymd_and_hms(2026, 12, 4, 20, 30, 0).single(),
            agencies,
            answer: None,
        }
    }

    #[test]
    fn an_open_letter_counts_on_the_utc_day_it_is_due_until_it_moves() {
        let received = letter(Status::Received, vec![10]);
        let registered = Rollup::change(None, &received);
        assert!(registered
            .backlog
            .keys()
            .all(|k| k.due_day == day(2026, 12, 4)));
        // Referred on with a new deadline: off the old day, onto the new one.
        let mut referred = letter(Status::Delivered, vec![10, 20]);
        referred.due_at = Utc.with_ymd_and_hms(2026, 12, 9, 1, 0, 0).single();
        let moved: Vec<_> = Rollup::change(Some(&received), &referred)
            .backlog
            .into_iter()
            .filter(|(k, _)| k.scope == RollupScope::Province)
            .map(|(k, n)| (k.holder_agency_id, k.due_day, n))
            .collect();
        assert_eq!(
            moved,
            [(10, day(2026, 12, 4), -1), (20, day(2026, 12, 9), 1)]
        );
        let mut no_deadline = received.clone();
        no_deadline.due_at = None;
        assert!(Rollup::change(None, &no_deadline)
            .backlog
            .keys()
            .all(|k| k.due_day == NEVER_DUE));
        // Rows of days before yesterday hold only overdue letters: folded.
        let now = Utc
            .with_ymd_and_hms(2026, 12, 6, 0, 10, 0)
            .single()
            .expect("valid");
        assert_eq!(fold_past_dues_before(now), day(2026, 12, 5));
        assert!(LONG_OVERDUE < fold_past_dues_before(now) && NEVER_DUE > now.date_naive());
        let folded = registered.clone().fold_dues(day(2026, 12, 5));
        assert!(folded.backlog.keys().all(|k| k.due_day == LONG_OVERDUE));
        assert_eq!(
            folded.backlog.values().sum::<i64>(),
            registered.backlog.values().sum::<i64>()
        );
        assert_eq!(registered.clone().fold_dues(day(2026, 12, 4)), registered);
    }

    #[test]
    fn a_month_row_of_statuses_is_the_sum_of_its_day_rows() {
        let mut change = Rollup::default();
        for (id, d) in [(1, 2), (2, 30), (3, 30), (4, 31)] {
            let mut facts = letter(Status::Delivered, vec![2]);
            facts.letter_id = id;
            // 08:00 UTC is the same day in Tehran.
            facts.created_at = Utc
                .with_ymd_and_hms(2026, 10, d, 8, 0, 0)
                .single()
                .expect("valid");
            change.add(&facts, 1);
        }
        let mut received = letter(Status::Delivered, vec![2]);
        received.letter_id = 3;
        received.created_at = Utc
            .with_ymd_and_hms(2026, 10, 30, 8, 0, 0)
            .single()
            .expect("valid");
        let mut after = received.clone();
        after.status = Status::Received;
        change.merge(Rollup::change(Some(&received), &after));
        change.prune();
        let mut summed: BTreeMap<(RollupScope, NaiveDate, &str), i64> = BTreeMap::new();
        for (k, n) in &change.days {
            *summed
                .entry((k.scope, month_of(k.day), k.kind))
                .or_default() += n;
        }
        let mut months: BTreeMap<(RollupScope, NaiveDate, &str), i64> = BTreeMap::new();
        for (k, n) in &change.months {
            *months.entry((k.scope, k.day, k.kind)).or_default() += n;
        }
        summed.retain(|_, n| *n != 0);
        assert_eq!(months, summed);
        assert_eq!(
            months[&(RollupScope::Province, day(2026, 10, 1), "delivered")],
            3
        );
    }

    #[test]
    fn one_shard_holds_the_same_inbox_counts() {
        let mut change = Rollup::default();
        for delivery in 1..=9 {
            change.merge(Rollup::new_in_inbox(2, delivery, 1));
        }
        change.merge(Rollup::new_in_inbox(2, 6, -1));
        change.add(&letter(Status::Delivered, vec![2]), 1);
        assert_eq!(change.inbox.len(), SHARDS as usize, "split by delivery");
        let folded = change.clone().in_shards(1);
        assert_eq!(
            folded.inbox,
            BTreeMap::from([(
                InboxKey {
                    agency_id: 2,
                    shard: 0
                },
                8
            )])
        );
        assert_eq!(
            (&folded.days, &folded.backlog, &folded.offices),
            (&change.days, &change.backlog, &change.offices),
            "the dashboard's counts are one row each already"
        );
        assert_eq!(change.clone().in_shards(SHARDS), change);
    }

    #[test]
    fn a_registration_of_a_moment_after_midnight_finds_its_day_open() {
        let just_after = Utc
            .with_ymd_and_hms(2026, 12, 5, 20, 31, 0)
            .single()
            .expect("valid");
        assert_eq!(tehran_day(just_after), day(2026, 12, 6));
        assert_eq!(hot_since(just_after), day(2026, 12, 5));
    }

    #[test]
    fn summing_stored_rows_equals_merging_the_counts() {
        let a = AnswerCounts {
            answered: 3,
            on_time: 2,
            hours: BTreeMap::from([(5, 1), (120, 2)]),
        };
        let b = AnswerCounts {
            answered: 4,
            on_time: 1,
            hours: BTreeMap::from([(0, 1), (5, 2), (90, 1)]),
        };
        let mut sum = AnswerSum::default();
        sum.add_row(1, a.answered, a.on_time, &a.encode_hours());
        sum.add_row(1, b.answered, b.on_time, &b.encode_hours());
        let mut merged = a.clone();
        merged.merge(&b);
        assert_eq!((sum.answered, sum.on_time), (7, 3));
        assert_eq!(sum.hours(), merged.hours.into_iter().collect::<Vec<_>>());
        // Every bucket an answer time can have has its slot, and reads back.
        for tenths in [0, 99, 100, 110, 24 * 365 * 10] {
            assert_eq!(slot_of(tenths).map(bucket_of), Some(tenths));
        }
    }

    #[test]
    fn a_registration_counts_once_in_the_province_and_in_its_agency() {
        let change = Rollup::change(None, &letter(Status::Delivered, vec![10]));
        let days: Vec<_> = change
            .days
            .iter()
            .map(|(k, n)| (k.scope, k.kind, *n))
            .collect();
        assert_eq!(
            days,
            [
                (RollupScope::Province, "delivered", 1),
                (RollupScope::Agency(10), "delivered", 1)
            ]
        );
        assert_eq!(change.offices.len(), 4, "day and month rows in two scopes");
        assert_eq!(change.backlog.values().sum::<i64>(), 2);
    }

    #[test]
    fn a_referral_moves_the_backlog_and_brings_the_letter_into_the_new_agency() {
        let before = letter(Status::Received, vec![10]);
        let after = letter(Status::Delivered, vec![10, 20]);
        let change = Rollup::change(Some(&before), &after);
        let province: Vec<_> = change
            .days
            .iter()
            .filter(|(k, _)| k.scope == RollupScope::Province)
            .map(|(k, n)| (k.kind, *n))
            .collect();
        assert_eq!(province, [("delivered", 1), ("received", -1)]);
        // The new agency sees the letter from its registration day on.
        assert!(change
            .offices
            .keys()
            .any(|k| k.scope == RollupScope::Agency(20)));
        let backlog: Vec<_> = change
            .backlog
            .iter()
            .map(|(k, n)| (k.scope, k.holder_agency_id, *n))
            .collect();
        assert!(backlog.contains(&(RollupScope::Province, 10, -1)));
        assert!(backlog.contains(&(RollupScope::Province, 20, 1)));
        assert!(backlog.contains(&(RollupScope::Agency(10), 10, -1)));
    }

    #[test]
    fn only_a_referral_of_a_past_days_letter_is_a_late_arrival() {
        let registered_on = day(2026, 11, 27);
        let received = letter(Status::Received, vec![10]);
        let referred = letter(Status::Delivered, vec![10, 20]);
        let referral = Rollup::change(Some(&received), &referred);
        assert_eq!(
            referral.late_arrivals(registered_on + Duration::days(1)),
            BTreeSet::from([20])
        );
        assert!(
            referral.late_arrivals(registered_on).is_empty(),
            "today's rows are read anew"
        );
        let mut answered = received.clone();
        answered.status = Status::Answered;
        let answer = Rollup::change(Some(&received), &answered);
        assert!(answer.late_arrivals(day(2026, 12, 6)).is_empty());
        let registration = Rollup::change(None, &received);
        assert!(registration.late_arrivals(registered_on).is_empty());
    }

    #[test]
    fn an_answer_adds_its_speed_and_timeliness() {
        let before = letter(Status::Received, vec![10]);
        let mut after = letter(Status::Answered, vec![10]);
        after.answer = Some(AnswerFacts {
            agency_id: 10,
            answered_at: before.created_at + Duration::minutes(150),
            on_time: true,
        });
        let change = Rollup::change(Some(&before), &after);
        let counts = &change.answers[&AnswerKey {
            scope: RollupScope::Province,
            grain: Grain::Month,
            period: day(2026, 11, 1),
            agency_id: 10,
        }];
        assert_eq!((counts.answered, counts.on_time), (1, 1));
        assert_eq!(counts.hours, BTreeMap::from([(25, 1)]));
        assert!(change.backlog.values().all(|n| *n == -1));
        let decoded = AnswerCounts::decode_hours(&counts.encode_hours());
        assert_eq!(decoded, counts.hours);
    }

    #[test]
    fn a_step_that_changes_nothing_counted_changes_no_row() {
        let facts = letter(Status::Answered, vec![10]);
        assert!(Rollup::change(Some(&facts), &facts).is_empty());
    }

    #[test]
    fn periods_read_as_few_rows_as_they_can() {
        // A year ending on the 2nd: December less its 1st, eleven months, two days.
        assert_eq!(
            cover(day(2025, 12, 2), day(2026, 12, 2)),
            Cover {
                months: vec![(day(2025, 12, 1), day(2026, 11, 1))],
                days: vec![(day(2026, 12, 1), day(2026, 12, 2))],
                less_days: vec![(day(2025, 12, 1), day(2025, 12, 1))],
            }
        );
        assert_eq!(
            cover(day(2026, 11, 1), day(2026, 11, 30)),
            Cover {
                months: vec![(day(2026, 11, 1), day(2026, 11, 1))],
                ..Cover::default()
            }
        );
        // Thirty days from the 3rd: November less two days, and two days of December.
        assert_eq!(
            cover(day(2026, 11, 3), day(2026, 12, 2)),
            Cover {
                months: vec![(day(2026, 11, 1), day(2026, 11, 1))],
                days: vec![(day(2026, 12, 1), day(2026, 12, 2))],
                less_days: vec![(day(2026, 11, 1), day(2026, 11, 2))],
            }
        );
        // Inside one month: its days, or the month less both ends.
        assert_eq!(
            cover(day(2026, 11, 10), day(2026, 11, 12)),
            Cover {
                days: vec![(day(2026, 11, 10), day(2026, 11, 12))],
                ..Cover::default()
            }
        );
        assert_eq!(
            cover(day(2026, 11, 2), day(2026, 11, 29)),
            Cover {
                months: vec![(day(2026, 11, 1), day(2026, 11, 1))],
                less_days: vec![
                    (day(2026, 11, 1), day(2026, 11, 1)),
                    (day(2026, 11, 30), day(2026, 11, 30))
                ],
                ..Cover::default()
            }
        );
    }

    #[test]
    fn every_day_of_a_period_is_counted_once() {
        let start = day(2025, 1, 1);
        for offset in (0..500).step_by(7) {
            for len in [1, 2, 15, 29, 30, 31, 45, 90, 200, 366] {
                let from = start + Duration::days(offset);
                let to = from + Duration::days(len - 1);
                let c = cover(from, to);
                let mut counted: BTreeMap<NaiveDate, i64> = BTreeMap::new();
                let mut add = |first: NaiveDate, last: NaiveDate, sign: i64| {
                    let mut d = first;
                    while d <= last {
                        *counted.entry(d).or_default() += sign;
                        d += Duration::days(1);
                    }
                };
                for (first, last) in &c.months {
                    add(*first, next_month(*last) - Duration::days(1), 1);
                }
                for (first, last) in &c.days {
                    add(*first, *last, 1);
                }
                for (first, last) in &c.less_days {
                    add(*first, *last, -1);
                }
                counted.retain(|_, n| *n != 0);
                let expected: Vec<NaiveDate> = from.iter_days().take_while(|d| *d <= to).collect();
                assert_eq!(
                    counted.keys().copied().collect::<Vec<_>>(),
                    expected,
                    "{from}..={to}"
                );
                assert!(counted.values().all(|n| *n == 1), "{from}..={to}");
            }
        }
    }
}
